package io.jobpulse.collector;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jobpulse.collector.state.JobStatus;
import io.jobpulse.collector.store.JobStore;
import io.jobpulse.collector.testing.AgentSpans;
import io.jobpulse.collector.testing.AgentSpans.Run;
import io.jobpulse.collector.testing.TestHttp;
import io.jobpulse.contract.JobOutcome;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The shaded jar as users run it: {@code java -jar jobpulse-collector.jar serve} in a child JVM. */
class CollectorJarIT {

  private static final Pattern STARTED = Pattern.compile(
      "JobPulse collector started: otlp-http=(\\d+) otlp-grpc=(\\d+) http=(\\d+) data-dir=(.+)");

  @TempDir Path dir;
  private final TestHttp http = new TestHttp();
  private final AgentSpans agent = new AgentSpans("jar-test");

  @Test
  void printsItsPortsServesAndStopsCleanlyOnSigterm() throws Exception {
    Path data = dir.resolve("data");
    Run run = Run.create("com.acme.Jar#run", System.currentTimeMillis());
    Collector collector = Collector.start(data);
    assertEquals(data.toAbsolutePath().toString(), collector.dataDir);
    assertEquals("API and dashboard: http://localhost:" + collector.httpPort + "/", collector.secondLine);
    assertEquals("ok", http.getJson("http://127.0.0.1:" + collector.httpPort + "/healthz").path("status").asText());
    http.export(collector.otlpPort, agent.request(agent.jobEnd(run, System.currentTimeMillis(), JobOutcome.COMPLETED)));

    collector.process.destroy(); // SIGTERM
    assertTrue(collector.process.waitFor(30, TimeUnit.SECONDS), "the collector did not stop on SIGTERM");
    // Closed cleanly: the RocksDB lock is free and the run is there.
    try (JobStore store = JobStore.open(data)) {
      assertEquals(JobStatus.COMPLETED, store.job(run.id()).orElseThrow().status());
    }
  }

  @Test
  void anAcknowledgedRequestSurvivesKillMinus9() throws Exception {
    Path data = dir.resolve("data");
    Run run = Run.create("com.acme.Kill#run", System.currentTimeMillis());
    Collector collector = Collector.start(data);
    http.export(collector.otlpPort, agent.request(agent.jobStart(run, System.currentTimeMillis())));
    collector.process.destroyForcibly();
    assertTrue(collector.process.waitFor(30, TimeUnit.SECONDS));

    Collector restarted = Collector.start(data);
    try {
      assertEquals("RUNNING", http.getJson("http://127.0.0.1:" + restarted.httpPort + "/api/jobs/" + run.id())
          .path("status").asText());
    } finally {
      restarted.process.destroy();
      restarted.process.waitFor(30, TimeUnit.SECONDS);
    }
  }

  /** One child JVM running {@code serve} on free ports. */
  private record Collector(Process process, int otlpPort, int httpPort, String dataDir, String secondLine) {

    static Collector start(Path data) throws Exception {
      String jar = System.getProperty("jobpulse.collector.jar");
      Path java = Path.of(System.getProperty("java.home"), "bin", "java");
      Process process = new ProcessBuilder(List.of(java.toString(), "-jar", jar, "serve", "--otlp-port", "0", "--otlp-grpc-port", "0",
          "--http-port", "0", "--data-dir", data.toString()))
          .redirectError(ProcessBuilder.Redirect.INHERIT)
          .start();
      BufferedReader out = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
      CompletableFuture<String[]> lines = CompletableFuture.supplyAsync(() -> {
        try {
          return new String[] {out.readLine(), out.readLine()};
        } catch (java.io.IOException e) {
          throw new java.io.UncheckedIOException(e);
        }
      });
      await().atMost(Duration.ofSeconds(60)).until(lines::isDone);
      String[] started = lines.get();
      Matcher m = STARTED.matcher(String.valueOf(started[0]));
      if (!m.matches()) {
        process.destroyForcibly();
        throw new AssertionError("unexpected first line: " + started[0]);
      }
      return new Collector(process, Integer.parseInt(m.group(1)), Integer.parseInt(m.group(3)), m.group(4), started[1]);
    }
  }
}
