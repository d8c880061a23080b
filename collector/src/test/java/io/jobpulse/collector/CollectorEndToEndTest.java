package io.jobpulse.collector;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.jobpulse.collector.testing.AgentSpans;
import io.jobpulse.collector.testing.AgentSpans.Active;
import io.jobpulse.collector.testing.AgentSpans.Run;
import io.jobpulse.collector.testing.MutableClock;
import io.jobpulse.collector.testing.RunningCollector;
import io.jobpulse.collector.testing.TestHttp;
import io.jobpulse.contract.JobOutcome;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.proto.trace.v1.Span;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Spans in through OTLP/HTTP, state out through the REST API, on a real collector. */
class CollectorEndToEndTest {

  private static final long INTERVAL_MS = 200;
  private static final DateTimeFormatter ISO_MILLIS =
      DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss.SSS'Z'").withZone(ZoneOffset.UTC);

  @TempDir Path dir;
  private final TestHttp http = new TestHttp();
  private final AgentSpans agent = new AgentSpans("orders");

  @Test
  void completedFailedAndAbandonedRunsShowInTheApi() {
    try (RunningCollector collector = new RunningCollector(dir)) {
      long now = System.currentTimeMillis();
      Run completed = Run.create("com.acme.Report#build", now - 3000);
      Run failed = Run.create("com.acme.Sync#pull", now - 2000);
      Run abandoned = Run.create("com.acme.Export#write", now - 1000);
      http.export(collector.otlpPort(), agent.request(
          agent.jobStart(completed, now - 2900), agent.jobStart(abandoned, now - 900),
          agent.heartbeat(INTERVAL_MS, now, new Active(completed, 5, 10L, "RUNNABLE"),
              new Active(abandoned, 1, null, "WAITING"))));
      http.export(collector.otlpPort(), agent.request(
          agent.jobEnd(completed, now - 100, JobOutcome.COMPLETED, 10, null, null),
          agent.jobEnd(failed, now - 50, JobOutcome.FAILED, 0, "java.net.SocketTimeoutException", "Read timed out")));
      http.export(collector.otlpPort(), agent.request(
          agent.jobEnd(abandoned, now, JobOutcome.ABANDONED), agent.workerStop(now, abandoned)));

      JsonNode c = http.getJson(collector.api("/api/jobs/" + completed.id()));
      assertEquals("COMPLETED", c.path("status").asText());
      assertEquals("com.acme.Report#build", c.path("name").asText());
      assertEquals("orders", c.path("service").asText());
      assertEquals(agent.instanceId(), c.path("worker").asText());
      assertEquals(2900, c.path("durationMs").asLong());
      assertEquals(10, c.path("progress").path("done").asLong());
      assertEquals(10, c.path("progress").path("total").asLong());
      assertEquals(ISO_MILLIS.format(Instant.ofEpochMilli(now - 3000)), c.path("startedAt").asText());
      assertTrue(c.path("flag").isNull());
      assertEquals(List.of("RUNNING", "COMPLETED"), statuses(c.path("history")));

      JsonNode f = http.getJson(collector.api("/api/jobs/" + failed.id()));
      assertEquals("FAILED", f.path("status").asText());
      assertEquals("java.net.SocketTimeoutException", f.path("error").path("type").asText());
      assertEquals("Read timed out", f.path("error").path("message").asText());
      assertEquals("timeout", f.path("error").path("category").asText());

      JsonNode a = http.getJson(collector.api("/api/jobs/" + abandoned.id()));
      assertEquals("ABANDONED", a.path("status").asText());
      assertEquals("ABANDONED", a.path("flag").path("type").asText());

      assertEquals(List.of(abandoned.id(), failed.id(), completed.id()),
          ids(http.getJson(collector.api("/api/jobs"))), "newest first");
      assertEquals(List.of(failed.id()), ids(http.getJson(collector.api("/api/jobs?status=FAILED"))));
      assertEquals(List.of(completed.id()), ids(http.getJson(collector.api("/api/jobs?name=com.acme.Report%23build"))));
      assertEquals(3, ids(http.getJson(collector.api("/api/jobs?service=orders"))).size());
      assertEquals(0, ids(http.getJson(collector.api("/api/jobs?service=nobody"))).size());

      JsonNode worker = http.getJson(collector.api("/api/workers")).path("workers").get(0);
      assertEquals(agent.instanceId(), worker.path("id").asText());
      assertEquals("STOPPED", worker.path("state").asText());
      assertEquals(4242, worker.path("pid").asLong());
      assertEquals("test-host", worker.path("host").asText());
      assertEquals(INTERVAL_MS, worker.path("intervalMs").asLong());
    }
  }

  @Test
  void aWorkerThatStopsHeartbeatingHasItsRunsFlaggedCrashed() {
    ScheduledExecutorService heartbeats = Executors.newSingleThreadScheduledExecutor();
    try (RunningCollector collector = new RunningCollector(dir)) {
      Run run = Run.create("com.acme.Batch#run", System.currentTimeMillis());
      http.export(collector.otlpPort(), agent.request(agent.jobStart(run, System.currentTimeMillis())));
      AtomicLong beats = new AtomicLong();
      heartbeats.scheduleAtFixedRate(() -> http.export(collector.otlpPort(), agent.request(agent.heartbeat(INTERVAL_MS,
          System.currentTimeMillis(), new Active(run, beats.incrementAndGet(), 100L, "RUNNABLE")))),
          0, INTERVAL_MS, TimeUnit.MILLISECONDS);
      // Alive while heartbeats arrive, for much longer than one timeout (3 × 200 ms).
      await().during(Duration.ofMillis(1500)).atMost(Duration.ofSeconds(10)).until(() ->
          "RUNNING".equals(http.getJson(collector.api("/api/jobs/" + run.id())).path("status").asText()));
      assertTrue(beats.get() >= 5, "heartbeats sent: " + beats.get());
      JsonNode alive = http.getJson(collector.api("/api/jobs/" + run.id()));
      assertEquals(100, alive.path("progress").path("total").asLong());
      assertTrue(alive.path("etaSeconds").isNumber(), "an ETA from the pace so far: " + alive);
      assertEquals("RUNNABLE", alive.path("threadState").asText());

      heartbeats.shutdownNow();
      long silentFrom = System.currentTimeMillis();
      await().atMost(Duration.ofSeconds(10)).untilAsserted(() ->
          assertEquals("CRASHED", http.getJson(collector.api("/api/jobs/" + run.id())).path("status").asText()));
      JsonNode crashed = http.getJson(collector.api("/api/jobs/" + run.id()));
      JsonNode flag = crashed.path("flag");
      assertEquals("CRASHED", flag.path("type").asText());
      assertTrue(flag.path("reason").asText().matches(
          "no heartbeat from worker " + agent.instanceId() + " for \\d+ ms \\(3 missed × 200 ms\\)"), flag.toString());
      long latency = flag.path("detectionLatencyMs").asLong();
      assertTrue(latency > 3 * INTERVAL_MS && latency < 10_000, "latency " + latency);
      assertTrue(Instant.parse(flag.path("flaggedAt").asText()).toEpochMilli() >= silentFrom);
      assertTrue(crashed.path("progress").path("done").asLong() >= 5);
      assertEquals(List.of(run.id()), ids(http.getJson(collector.api("/api/jobs?status=CRASHED"))));
      assertEquals("DEAD", http.getJson(collector.api("/api/workers")).path("workers").get(0).path("state").asText());
    } finally {
      heartbeats.shutdownNow();
    }
  }

  @Test
  void aRestartKeepsEverythingAndFlagsNothingDuringTheGrace() {
    MutableClock clock = new MutableClock(System.currentTimeMillis());
    Run running = Run.create("com.acme.Long#run", clock.millis());
    Run failed = Run.create("com.acme.Short#run", clock.millis());
    try (RunningCollector collector = new RunningCollector(dir, b -> b.clock(clock))) {
      http.export(collector.otlpPort(), agent.request(agent.jobStart(running, clock.millis()),
          agent.heartbeat(1000, clock.millis(), new Active(running, 1, null, "RUNNABLE")),
          agent.jobEnd(failed, clock.millis(), JobOutcome.FAILED, 0, "java.lang.IllegalStateException", "no")));
    }
    // Down for a minute, far longer than the worker's timeout (3 × 1000 ms): the collector's fault.
    clock.advance(60_000);
    try (RunningCollector collector = new RunningCollector(dir, b -> b.clock(clock))) {
      assertEquals("FAILED", http.getJson(collector.api("/api/jobs/" + failed.id())).path("status").asText());
      assertEquals("java.lang.IllegalStateException",
          http.getJson(collector.api("/api/jobs/" + failed.id())).path("error").path("type").asText());
      clock.advance(2900);
      await().during(Duration.ofMillis(500)).atMost(Duration.ofSeconds(5)).until(() ->
          "RUNNING".equals(http.getJson(collector.api("/api/jobs/" + running.id())).path("status").asText()));
      clock.advance(200);
      await().atMost(Duration.ofSeconds(5)).untilAsserted(() ->
          assertEquals("CRASHED", http.getJson(collector.api("/api/jobs/" + running.id())).path("status").asText()));
      JsonNode flag = http.getJson(collector.api("/api/jobs/" + running.id())).path("flag");
      assertTrue(flag.path("reason").asText().contains("for 63100 ms (3 missed × 1000 ms)"), flag.toString());
    }
  }

  @Test
  void aRestartingCollectorJudgesNoWorkerBeforeItListensAgain() {
    SpeedClock clock = new SpeedClock(System.currentTimeMillis());
    Run running = Run.create("com.acme.Long#run", clock.millis());
    try (RunningCollector collector = new RunningCollector(dir, b -> b.clock(clock))) {
      http.export(collector.otlpPort(), agent.request(agent.jobStart(running, clock.millis()),
          agent.heartbeat(1000, clock.millis(), new Active(running, 1, null, "RUNNABLE"))));
    } // the worker is silent from here on: it will be flagged, but only once the collector listens
    // From here collector time runs 1,000× faster: a start-up of 100 ms is 100 s to the detector,
    // far past the worker's 3 s timeout, as seconds of start-up are on a busy host.
    clock.speed(1_000);
    // A tick every millisecond: one would fall inside the start-up if the detector ran during it.
    try (RunningCollector collector = new RunningCollector(dir, b -> b.clock(clock).detectorTick(Duration.ofMillis(1)))) {
      long listening = clock.millis(); // the ports are bound, the grace has begun
      await().atMost(Duration.ofSeconds(10)).untilAsserted(() ->
          assertEquals("CRASHED", http.getJson(collector.api("/api/jobs/" + running.id())).path("status").asText()));
      JsonNode flag = http.getJson(collector.api("/api/jobs/" + running.id())).path("flag");
      long flaggedAt = Instant.parse(flag.path("flaggedAt").asText()).toEpochMilli();
      assertTrue(flaggedAt > listening, "flagged at " + flaggedAt + ", before the collector listened at " + listening);
    }
  }

  /** A clock standing still until told to run, then that many times faster than real time. */
  private static final class SpeedClock extends Clock {
    private volatile long baseMillis;
    private volatile long baseNanos = System.nanoTime();
    private volatile long speed;

    SpeedClock(long millis) {
      baseMillis = millis;
    }

    synchronized void speed(long speed) {
      baseMillis = millis();
      baseNanos = System.nanoTime();
      this.speed = speed;
    }

    @Override
    public long millis() {
      return baseMillis + (System.nanoTime() - baseNanos) / 1_000_000 * speed;
    }

    @Override
    public Instant instant() {
      return Instant.ofEpochMilli(millis());
    }

    @Override
    public ZoneId getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
      throw new UnsupportedOperationException();
    }
  }

  @Test
  void aLateEndAfterAFlagIsReconciled() {
    try (RunningCollector collector = new RunningCollector(dir)) {
      Run run = Run.create("com.acme.Slow#run", System.currentTimeMillis());
      http.export(collector.otlpPort(), agent.request(agent.jobStart(run, System.currentTimeMillis()),
          agent.heartbeat(INTERVAL_MS, System.currentTimeMillis(), new Active(run, 1, null, "RUNNABLE"))));
      await().atMost(Duration.ofSeconds(10)).untilAsserted(() ->
          assertEquals("CRASHED", http.getJson(collector.api("/api/jobs/" + run.id())).path("status").asText()));

      http.export(collector.otlpPort(), agent.request(
          agent.jobEnd(run, System.currentTimeMillis(), JobOutcome.COMPLETED, 3, null, null)));
      JsonNode job = http.getJson(collector.api("/api/jobs/" + run.id()));
      assertEquals("COMPLETED", job.path("status").asText());
      assertEquals("CRASHED", job.path("flag").path("type").asText());
      assertTrue(job.path("flaggedThenRecovered").asBoolean());
      assertEquals(List.of("RUNNING", "CRASHED", "COMPLETED"), statuses(job.path("history")));
    }
  }

  @Test
  void childrenAreCountedOnTheParent() {
    try (RunningCollector collector = new RunningCollector(dir)) {
      long now = System.currentTimeMillis();
      Run parent = Run.create("com.acme.Parent#run", now);
      List<Span> spans = new ArrayList<>();
      spans.add(agent.jobStart(parent, now));
      for (JobOutcome outcome : List.of(JobOutcome.COMPLETED, JobOutcome.COMPLETED, JobOutcome.FAILED)) {
        Run child = new Run(AgentSpans.newSpanId(), parent.traceId(), "com.acme.Child#run", now);
        spans.add(agent.jobEnd(child, now + 1, outcome, 0, "java.lang.RuntimeException", "boom").toBuilder()
            .addAttributes(AgentSpans.string(io.jobpulse.contract.AttributeKeys.JOB_PARENT_ID, parent.id())).build());
      }
      http.export(collector.otlpPort(), agent.request(spans.toArray(Span[]::new)));
      JsonNode children = http.getJson(collector.api("/api/jobs/" + parent.id())).path("children");
      assertEquals(2, children.path("completed").asInt());
      assertEquals(1, children.path("failed").asInt());
      assertEquals(3, children.path("total").asInt());
    }
  }

  @Test
  void theApiRefusesBadParametersAndUnknownPathsWithJson() {
    try (RunningCollector collector = new RunningCollector(dir)) {
      for (String query : List.of("limit=0", "limit=-5", "limit=abc", "limit=1.5", "status=SLEEPING")) {
        var response = http.get(collector.api("/api/jobs?" + query));
        assertEquals(400, response.statusCode(), query);
        String error = TestHttp.json(response).path("error").asText();
        assertFalse(error.isEmpty(), query);
        assertTrue(error.contains(query.startsWith("limit") ? "positive integer" : "CRASHED"), error);
      }
      assertEquals(200, http.get(collector.api("/api/jobs?status=crashed&limit=99999999999999999999")).statusCode());
      var unknownJob = http.get(collector.api("/api/jobs/0000000000000000"));
      assertEquals(404, unknownJob.statusCode());
      assertTrue(TestHttp.json(unknownJob).has("error"));
      var unknownPath = http.get(collector.api("/api/nothing"));
      assertEquals(404, unknownPath.statusCode());
      assertTrue(TestHttp.json(unknownPath).has("error"));
      var wrongMethod = http.request("DELETE", collector.api("/api/workers"));
      assertEquals(405, wrongMethod.statusCode());
      assertTrue(TestHttp.json(wrongMethod).has("error"));
      assertEquals("ok", http.getJson(collector.api("/healthz")).path("status").asText());
      var page = http.get(collector.api("/"));
      assertEquals(200, page.statusCode());
      assertTrue(page.headers().firstValue("content-type").orElseThrow().startsWith("text/html"));
    }
  }

  @Test
  void limitDefaultsTo100AndIsClampedTo10000() {
    try (RunningCollector collector = new RunningCollector(dir)) {
      long start = System.currentTimeMillis() - 1_000_000;
      for (int batch = 0; batch < 11; batch++) {
        Span[] spans = new Span[1000];
        for (int i = 0; i < spans.length; i++) {
          Run run = Run.create("com.acme.Many#run", start + batch * 1000L + i);
          spans[i] = agent.jobEnd(run, start + batch * 1000L + i + 1, JobOutcome.COMPLETED);
        }
        ExportTraceServiceRequest request = agent.request(spans);
        http.export(collector.otlpPort(), request);
      }
      assertEquals(100, ids(http.getJson(collector.api("/api/jobs"))).size());
      assertEquals(10_000, ids(http.getJson(collector.api("/api/jobs?limit=20000"))).size());
      assertEquals(10_000, ids(http.getJson(collector.api("/api/jobs?status=COMPLETED&limit=10001"))).size());
      assertEquals(7, ids(http.getJson(collector.api("/api/jobs?limit=7"))).size());
    }
  }

  @Test
  void resetStuckAbandonsOldRunningJobs() {
    try (RunningCollector collector = new RunningCollector(dir)) {
      long now = System.currentTimeMillis();
      Run old = Run.create("com.acme.Old#run", now - Duration.ofHours(2).toMillis());
      Run fresh = Run.create("com.acme.Fresh#run", now);
      http.export(collector.otlpPort(), agent.request(agent.jobStart(old, now), agent.jobStart(fresh, now),
          agent.heartbeat(60_000, now, new Active(old, 1, null, "RUNNABLE"), new Active(fresh, 1, null, "RUNNABLE"))));
      var response = http.post(collector.api("/api/jobs/reset-stuck?olderThan=30m"), null, new byte[0]);
      assertEquals(200, response.statusCode());
      assertEquals(1, TestHttp.json(response).path("reset").asInt());
      JsonNode reset = http.getJson(collector.api("/api/jobs/" + old.id()));
      assertEquals("ABANDONED", reset.path("status").asText());
      assertEquals("reset by operator", reset.path("flag").path("reason").asText());
      assertEquals("RUNNING", http.getJson(collector.api("/api/jobs/" + fresh.id())).path("status").asText());
      assertEquals(400, http.post(collector.api("/api/jobs/reset-stuck?olderThan=soon"), null, new byte[0]).statusCode());
      assertEquals(405, http.get(collector.api("/api/jobs/reset-stuck?olderThan=30m")).statusCode());
    }
  }

  private static List<String> ids(JsonNode body) {
    List<String> ids = new ArrayList<>();
    body.path("jobs").forEach(job -> ids.add(job.path("id").asText()));
    return ids;
  }

  private static List<String> statuses(JsonNode history) {
    List<String> statuses = new ArrayList<>();
    history.forEach(entry -> statuses.add(entry.path("status").asText()));
    return statuses;
  }
}
