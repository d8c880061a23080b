package io.jobpulse.sample.e2e;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Owns the child JVMs of one test: starts them with their logs in a directory of their own,
 * prints those logs when the test fails, and kills whatever still runs when the test ends,
 * failed or not.
 */
final class ChildProcesses implements BeforeEachCallback, AfterEachCallback {

  private final List<ChildProcess> started = new ArrayList<>();
  private Path logDir;

  @Override
  public void beforeEach(ExtensionContext context) throws IOException {
    Path base = Path.of(System.getProperty("e2e.logs.dir", System.getProperty("java.io.tmpdir")));
    Path classDir = Files.createDirectories(base.resolve(context.getRequiredTestClass().getSimpleName()));
    logDir = Files.createTempDirectory(classDir, context.getRequiredTestMethod().getName() + "-");
  }

  @Override
  public void afterEach(ExtensionContext context) {
    for (ChildProcess child : started) {
      child.killAndReap();
    }
    if (context.getExecutionException().isPresent()) {
      for (ChildProcess child : started) {
        System.out.println(child.tails());
      }
    }
    started.clear();
  }

  /** A collector on any free ports. */
  CollectorProcess startCollector(Path dataDir) {
    return startCollector(dataDir, 0, 0);
  }

  CollectorProcess startCollector(Path dataDir, int otlpPort, int httpPort) {
    return CollectorProcess.start(this, dataDir, otlpPort, httpPort);
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
    started.add(child);
    return child;
  }

  private boolean hasLabel(String label) {
    return started.stream().anyMatch(c -> c.label().equals(label));
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
