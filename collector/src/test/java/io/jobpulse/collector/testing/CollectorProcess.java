package io.jobpulse.collector.testing;

import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The shaded collector jar ({@code jobpulse.collector.jar}, set by failsafe) as users run it:
 * {@code java -jar jobpulse-collector.jar serve ...} in a child JVM on free ports, everything it
 * prints (stdout and stderr) kept in a file the test can read.
 */
public final class CollectorProcess implements AutoCloseable {

  private static final Pattern STARTED = Pattern.compile(
      "JobPulse collector started: otlp-http=(\\d+) otlp-grpc=(\\d+) http=(\\d+) data-dir=(.+)");

  private final Process process;
  private final Path output;
  private final int otlpPort;
  private final int otlpGrpcPort;
  private final int httpPort;

  private CollectorProcess(Process process, Path output, int otlpPort, int otlpGrpcPort, int httpPort) {
    this.process = process;
    this.output = output;
    this.otlpPort = otlpPort;
    this.otlpGrpcPort = otlpGrpcPort;
    this.httpPort = httpPort;
  }

  /**
   * Starts {@code serve --otlp-port 0 --otlp-grpc-port 0 --http-port 0 --data-dir <data>} plus
   * {@code extraArgs}, with {@code environment} added to this JVM's, and waits for its ports.
   */
  public static CollectorProcess start(Path data, Path output, Map<String, String> environment, String... extraArgs) {
    String jar = System.getProperty("jobpulse.collector.jar");
    if (jar == null) {
      throw new IllegalStateException("jobpulse.collector.jar is not set: run this test with failsafe (mvn verify)");
    }
    List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-jar", jar, "serve",
        "--otlp-port", "0", "--otlp-grpc-port", "0", "--http-port", "0", "--data-dir", data.toString()));
    command.addAll(List.of(extraArgs));
    ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true)
        .redirectOutput(ProcessBuilder.Redirect.appendTo(output.toFile()));
    builder.environment().putAll(environment);
    Process process;
    try {
      process = builder.start();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    Matcher[] started = new Matcher[1];
    try {
      await().atMost(Duration.ofSeconds(90)).until(() -> {
        if (!process.isAlive()) {
          throw new AssertionError("the collector exited with " + process.exitValue() + ":\n" + read(output));
        }
        for (String line : read(output).split("\n")) {
          Matcher m = STARTED.matcher(line.trim());
          if (m.matches()) {
            started[0] = m;
            return true;
          }
        }
        return false;
      });
    } catch (RuntimeException | AssertionError e) {
      process.destroyForcibly();
      throw e;
    }
    Matcher m = started[0];
    return new CollectorProcess(process, output, Integer.parseInt(m.group(1)), Integer.parseInt(m.group(2)),
        Integer.parseInt(m.group(3)));
  }

  public long pid() {
    return process.pid();
  }

  public int otlpPort() {
    return otlpPort;
  }

  public int otlpGrpcPort() {
    return otlpGrpcPort;
  }

  public int httpPort() {
    return httpPort;
  }

  public String api(String pathAndQuery) {
    return "http://127.0.0.1:" + httpPort + pathAndQuery;
  }

  /** Everything the collector printed so far. */
  public String output() {
    return read(output);
  }

  /** {@code kill -9}: no shutdown hook, no flush, no close. */
  public void kill() {
    process.destroyForcibly();
    waitForExit();
  }

  /** SIGTERM, then waits for the clean stop. */
  public void stop() {
    process.destroy();
    waitForExit();
  }

  @Override
  public void close() {
    if (process.isAlive()) {
      kill();
    }
  }

  private void waitForExit() {
    try {
      if (!process.waitFor(60, TimeUnit.SECONDS)) {
        process.destroyForcibly();
        throw new AssertionError("the collector did not exit");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  private static String read(Path file) {
    try {
      return Files.exists(file) ? Files.readString(file, StandardCharsets.UTF_8) : "";
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
