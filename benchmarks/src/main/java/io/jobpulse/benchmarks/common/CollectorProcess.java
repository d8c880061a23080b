package io.jobpulse.benchmarks.common;

import java.io.BufferedReader;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A real JobPulse collector in a child JVM, on ephemeral loopback ports, with a fresh data
 * directory. Its output goes to {@code collector.log} in the work directory.
 */
public final class CollectorProcess implements AutoCloseable {

  private static final Pattern STARTED =
      Pattern.compile("JobPulse collector started: otlp-http=(\\d+) otlp-grpc=(\\S+) http=(\\d+)");
  private static final Duration START_TIMEOUT = Duration.ofSeconds(90);

  private final Process process;
  private final int otlpPort;
  private final int httpPort;
  private final Path log;

  private CollectorProcess(Process process, int otlpPort, int httpPort, Path log) {
    this.process = process;
    this.otlpPort = otlpPort;
    this.httpPort = httpPort;
    this.log = log;
  }

  /**
   * Starts {@code collectorJar serve} with its data in {@code workDir/data} and waits (bounded)
   * for the line that names its ports.
   *
   * @param jvmArgs options for the collector's JVM (heap size...), may be empty
   */
  public static CollectorProcess start(Path collectorJar, Path workDir, List<String> jvmArgs) throws IOException {
    Path dataDir = Files.createDirectories(workDir.resolve("data"));
    Path log = workDir.resolve("collector.log");
    List<String> args = new ArrayList<>(jvmArgs);
    args.addAll(List.of("-jar", collectorJar.toString(), "serve",
        "--data-dir", dataDir.toString(), "--otlp-port", "0", "--otlp-grpc-port", "0", "--http-port", "0"));
    Process process = new ProcessBuilder(Jvm.command(args)).redirectErrorStream(true).start();
    CompletableFuture<Matcher> started = new CompletableFuture<>();
    Thread pump = new Thread(() -> pump(process, log, started), "collector-output");
    pump.setDaemon(true);
    pump.start();
    try {
      Matcher m = started.get(START_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
      return new CollectorProcess(process, Integer.parseInt(m.group(1)), Integer.parseInt(m.group(3)), log);
    } catch (TimeoutException e) {
      process.destroyForcibly();
      throw new IllegalStateException("the collector did not print its ports within " + START_TIMEOUT + "; see " + log, e);
    } catch (ExecutionException e) {
      process.destroyForcibly();
      throw new IllegalStateException("the collector exited before printing its ports; see " + log, e.getCause());
    } catch (InterruptedException e) {
      process.destroyForcibly();
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while starting the collector", e);
    }
  }

  /** Copies the collector's output to the log, completing {@code started} at the ports line. */
  private static void pump(Process process, Path log, CompletableFuture<Matcher> started) {
    try (BufferedReader in = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
        BufferedWriter out = Files.newBufferedWriter(log)) {
      for (String line; (line = in.readLine()) != null; ) {
        out.write(line);
        out.newLine();
        out.flush();
        Matcher m = STARTED.matcher(line);
        if (!started.isDone() && m.find()) {
          started.complete(m);
        }
      }
      started.completeExceptionally(new IllegalStateException("the collector exited"));
    } catch (IOException e) {
      started.completeExceptionally(e);
      throw new UncheckedIOException(e);
    }
  }

  public int otlpPort() {
    return otlpPort;
  }

  public int httpPort() {
    return httpPort;
  }

  public long pid() {
    return process.pid();
  }

  public String otlpBaseUrl() {
    return "http://127.0.0.1:" + otlpPort;
  }

  public String apiBaseUrl() {
    return "http://127.0.0.1:" + httpPort;
  }

  public Path log() {
    return log;
  }

  /** Stops the collector (SIGTERM, then SIGKILL after a bound). */
  @Override
  public void close() {
    process.destroy();
    try {
      if (!process.waitFor(30, TimeUnit.SECONDS)) {
        process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      process.destroyForcibly();
      Thread.currentThread().interrupt();
    }
  }
}
