package io.jobpulse.sample.e2e;

import static org.awaitility.Awaitility.await;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The real collector jar in a child JVM, as a user runs it:
 * {@code java -jar jobpulse-collector.jar serve --data-dir ... --otlp-port ... --http-port ...}.
 */
final class CollectorProcess {

  /** The line the collector prints once its ports are bound (the CLI contract). */
  static final Pattern STARTED_LINE =
      Pattern.compile(
          "^JobPulse collector started: otlp-http=(\\d+) otlp-grpc=(\\d+|off) http=(\\d+) data-dir=(.+)$",
          Pattern.MULTILINE);

  static final Pattern API_LINE =
      Pattern.compile("^API and dashboard: http://localhost:(\\d+)/$", Pattern.MULTILINE);

  /** The tests' default, unless a test gives its own {@code --heartbeat-misses}. */
  static final int HEARTBEAT_MISSES = 3;
  static final String HEARTBEAT_MISSES_OPTION = "--heartbeat-misses";

  private static final Duration STARTUP = Duration.ofSeconds(60);
  private static final Duration SHUTDOWN = Duration.ofSeconds(30);

  private final ChildProcesses owner;
  private final ChildProcess process;
  private final Path dataDir;
  private final List<String> options;
  private final int otlpPort;
  private final int httpPort;
  private final Path reportedDataDir;

  private CollectorProcess(
      ChildProcesses owner, ChildProcess process, Path dataDir, List<String> options, Matcher started) {
    this.owner = owner;
    this.process = process;
    this.dataDir = dataDir;
    this.options = options;
    this.otlpPort = Integer.parseInt(started.group(1));
    this.httpPort = Integer.parseInt(started.group(3));
    this.reportedDataDir = Path.of(started.group(4));
  }

  static CollectorProcess start(
      ChildProcesses owner, Path dataDir, int otlpPort, int httpPort, List<String> options) {
    Path java = JavaRuntime.CURRENT.javaOrSkip();
    List<String> command = new ArrayList<>(
        List.of(
            java.toString(),
            "-jar",
            ChildProcesses.requiredFile("jobpulse.collector.jar").toString(),
            "serve",
            "--data-dir", dataDir.toString(),
            "--otlp-port", Integer.toString(otlpPort),
            // gRPC is not under test here; any free port keeps parallel runs apart.
            "--otlp-grpc-port", "0",
            "--http-port", Integer.toString(httpPort)));
    if (!options.contains(HEARTBEAT_MISSES_OPTION)) {
      command.addAll(List.of(HEARTBEAT_MISSES_OPTION, Integer.toString(HEARTBEAT_MISSES)));
    }
    command.addAll(options);
    ChildProcess process = owner.start("collector", command, Map.of());
    Matcher started =
        await("the collector's started line")
            .atMost(STARTUP)
            .until(
                () -> {
                  process.exitCode().ifPresent(code -> {
                    throw new AssertionError(
                        "the collector exited on start with code " + code + "\n" + process.tails());
                  });
                  return STARTED_LINE.matcher(process.stdout());
                },
                Matcher::find);
    return new CollectorProcess(owner, process, dataDir, options, started);
  }

  int otlpPort() {
    return otlpPort;
  }

  int httpPort() {
    return httpPort;
  }

  Path dataDir() {
    return dataDir;
  }

  /** The data directory as the collector reported it on its started line. */
  Path reportedDataDir() {
    return reportedDataDir;
  }

  String stdout() {
    return process.stdout();
  }

  /** The agent's {@code jobpulse.collector.endpoint}. */
  String otlpEndpoint() {
    return "http://127.0.0.1:" + otlpPort;
  }

  JobPulseApi api() {
    return new JobPulseApi(URI.create("http://127.0.0.1:" + httpPort));
  }

  boolean isAlive() {
    return process.isAlive();
  }

  /** SIGTERM, as {@code Process.destroy()}; waits until the collector is gone. */
  void stop() {
    process.terminate();
    process.awaitExit(SHUTDOWN);
  }

  /** Stops this collector gracefully and starts a new one on the same data directory and ports. */
  CollectorProcess restart() {
    stop();
    return start(owner, dataDir, otlpPort, httpPort, options);
  }
}
