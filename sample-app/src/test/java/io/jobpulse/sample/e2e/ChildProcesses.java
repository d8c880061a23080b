package io.jobpulse.sample.e2e;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Owns the child JVMs of one test: starts them with their logs in a directory of their own,
 * prints those logs when the test fails, and kills whatever still runs when the test ends,
 * failed or not.
 *
 * <p>Registered on a static field, it also owns what a {@code @BeforeAll} starts (a collector the
 * class's tests share): those live until the class is done, and their logs are printed with a
 * failed test's own.
 */
final class ChildProcesses
    implements BeforeAllCallback, AfterAllCallback, BeforeEachCallback, AfterEachCallback {

  private final List<ChildProcess> classScoped = new ArrayList<>();
  private final List<ChildProcess> started = new ArrayList<>();
  private Path classLogDir;
  private Path logDir;

  @Override
  public void beforeAll(ExtensionContext context) throws IOException {
    classLogDir = Files.createTempDirectory(classDir(context), "class-");
    logDir = classLogDir;
  }

  @Override
  public void afterAll(ExtensionContext context) {
    classScoped.forEach(ChildProcess::killAndReap);
    classScoped.clear();
  }

  @Override
  public void beforeEach(ExtensionContext context) throws IOException {
    logDir = Files.createTempDirectory(classDir(context), context.getRequiredTestMethod().getName() + "-");
  }

  @Override
  public void afterEach(ExtensionContext context) {
    for (ChildProcess child : started) {
      child.killAndReap();
    }
    if (context.getExecutionException().isPresent()) {
      for (ChildProcess child : classScoped) {
        System.out.println(child.tails());
      }
      for (ChildProcess child : started) {
        System.out.println(child.tails());
      }
    }
    started.clear();
    logDir = classLogDir;
  }

  private static Path classDir(ExtensionContext context) throws IOException {
    Path base = Path.of(System.getProperty("e2e.logs.dir", System.getProperty("java.io.tmpdir")));
    return Files.createDirectories(base.resolve(context.getRequiredTestClass().getSimpleName()));
  }

  /** A collector on any free ports. */
  CollectorProcess startCollector(Path dataDir, String... options) {
    return startCollector(dataDir, 0, 0, options);
  }

  /** A collector on those ports, with more {@code serve} options ({@code "--config", "x.yaml"}). */
  CollectorProcess startCollector(Path dataDir, int otlpPort, int httpPort, String... options) {
    return CollectorProcess.start(this, dataDir, otlpPort, httpPort, List.of(options));
  }

  /** A sample-app run to configure and start. */
  AppProcess.Builder app() {
    return new AppProcess.Builder(this);
  }

  ChildProcess start(String label, List<String> command, Map<String, String> env) {
    if (logDir == null) {
      throw new IllegalStateException("ChildProcesses must be registered with @RegisterExtension");
    }
    String unique = label;
    for (int n = 2; hasLabel(unique); n++) {
      unique = label + "-" + n;
    }
    ChildProcess child = ChildProcess.start(unique, command, env, logDir);
    (logDir == classLogDir ? classScoped : started).add(child);
    return child;
  }

  private boolean hasLabel(String label) {
    return started.stream().anyMatch(c -> c.label().equals(label))
        || classScoped.stream().anyMatch(c -> c.label().equals(label));
  }

  static Path requiredFile(String systemProperty) {
    String value = System.getProperty(systemProperty);
    if (value == null) {
      throw new IllegalStateException("system property " + systemProperty + " is not set (run through failsafe)");
    }
    Path file = Path.of(value).toAbsolutePath().normalize();
    if (!Files.isRegularFile(file)) {
      throw new UncheckedIOException(
          new IOException(systemProperty + ": " + file + " does not exist; package that module first"));
    }
    return file;
  }
}
