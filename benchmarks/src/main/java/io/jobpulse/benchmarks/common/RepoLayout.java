package io.jobpulse.benchmarks.common;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Where the artifacts the benchmarks run live, found from this module's own location
 * ({@code benchmarks/target/benchmarks.jar} or {@code benchmarks/target/classes}), so each program
 * works from any directory.
 */
public final class RepoLayout {

  private final Path root;
  private final Path agentJar;
  private final Path collectorJar;

  private RepoLayout(Path root, Path agentJar, Path collectorJar) {
    this.root = root;
    this.agentJar = agentJar;
    this.collectorJar = collectorJar;
  }

  /** The checkout this code was built in. */
  public static RepoLayout current() {
    try {
      Path self = Path.of(RepoLayout.class.getProtectionDomain().getCodeSource().getLocation().toURI());
      // benchmarks/target/<jar or classes> -> the checkout's root
      Path root = self.toAbsolutePath().getParent().getParent().getParent();
      return new RepoLayout(root, root.resolve("agent/target/jobpulse-agent.jar"),
          root.resolve("collector/target/jobpulse-collector.jar"));
    } catch (URISyntaxException e) {
      throw new IllegalStateException("cannot locate the benchmarks module", e);
    }
  }

  public Path root() {
    return root;
  }

  /**
   * This layout with the agent and collector jars copied to a temporary directory (removed at
   * exit), so that a rebuild of those modules during a long run cannot change what is measured
   * halfway through.
   */
  public RepoLayout frozen() throws IOException {
    Path dir = Files.createTempDirectory("jobpulse-benchmark-jars");
    dir.toFile().deleteOnExit();
    return new RepoLayout(root, copy(agentJar, dir),
        copy(collectorJar, dir));
  }

  private static Path copy(Path jar, Path dir) throws IOException {
    if (!Files.isRegularFile(jar)) {
      return jar; // reported by requireFile where it is needed
    }
    // Named in every run's output: the jars come from the checkout this benchmark was built in,
    // not from the working directory, and a comparison of two builds once measured one twice.
    System.err.println("measuring " + jar + " (built " + Files.getLastModifiedTime(jar) + ")");
    Path copy = Files.copy(jar, dir.resolve(jar.getFileName()));
    copy.toFile().deleteOnExit();
    return copy;
  }

  public Path agentJar() {
    return agentJar;
  }

  public Path collectorJar() {
    return collectorJar;
  }

  public Path benchmarksJar() {
    return root.resolve("benchmarks/target/benchmarks.jar");
  }

  public Path openTelemetryAgentJar() {
    return root.resolve("benchmarks/target/opentelemetry-javaagent.jar");
  }

  /**
   * {@code path} if it is a file.
   *
   * @throws IllegalStateException naming the file and how to build it
   */
  public static Path requireFile(Path path, String howToBuild) {
    if (!Files.isRegularFile(path)) {
      throw new IllegalStateException(path + " does not exist; build it first: " + howToBuild);
    }
    return path;
  }
}
