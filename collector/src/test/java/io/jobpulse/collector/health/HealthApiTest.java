package io.jobpulse.collector.health;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.jobpulse.collector.testing.AgentSpans;
import io.jobpulse.collector.testing.AgentSpans.Active;
import io.jobpulse.collector.testing.AgentSpans.Run;
import io.jobpulse.collector.testing.RunningCollector;
import io.jobpulse.collector.testing.TestHttp;
import io.jobpulse.contract.JobOutcome;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code GET /api/health} on a real collector fed real OTLP requests. */
class HealthApiTest {

  private static final String NAME = "com.acme.billing.InvoiceRun#run";

  @TempDir Path dir;
  private final TestHttp http = new TestHttp();

  @Test
  void aggregatesEndedRunsSummariesAndCrashesPerJobName() {
    AgentSpans billing = new AgentSpans("billing");
    AgentSpans dying = new AgentSpans("billing");
    AgentSpans other = new AgentSpans("reports");
    try (RunningCollector collector = new RunningCollector(dir)) {
      long now = System.currentTimeMillis();
      Run fast = Run.create(NAME, now - 100);
      Run medium = Run.create(NAME, now - 200);
      Run slow = Run.create(NAME, now - 4000);
      Run missing1 = Run.create(NAME, now - 50);
      Run missing2 = Run.create(NAME, now - 50);
      Run timedOut = Run.create(NAME, now - 50);
      http.export(collector.otlpPort(), billing.request(
          billing.jobEnd(fast, now, JobOutcome.COMPLETED),
          billing.jobEnd(medium, now, JobOutcome.COMPLETED),
          billing.jobEnd(slow, now, JobOutcome.COMPLETED),
          billing.jobEnd(missing1, now, JobOutcome.FAILED, 0, "java.lang.IllegalStateException",
              "order 4711 not found for customer 3f2a9c1e-7b4d-4e2f-9a61-0c5d8e7f1a2b"),
          billing.jobEnd(missing2, now, JobOutcome.FAILED, 0, "java.lang.IllegalStateException",
              "order 12 not found for customer 0c5d8e7f-1a2b-4e2f-9a61-3f2a9c1e7b4d"),
          billing.jobEnd(timedOut, now, JobOutcome.FAILED, 0, "java.net.SocketTimeoutException", "Read timed out"),
          // Five short runs the agent only summarized: 500 ms in all.
          billing.heartbeatWithSummary(60_000, now, NAME, 5, 500, 200)));
      http.export(collector.otlpPort(), other.request(
          other.jobEnd(Run.create("com.acme.Report#build", now - 10), now, JobOutcome.COMPLETED)));
      // A worker that stops heartbeating with a run in progress: CRASHED.
      Run crashed = Run.create(NAME, now);
      http.export(collector.otlpPort(), dying.request(dying.jobStart(crashed, now),
          dying.heartbeat(100, now, new Active(crashed, 1, null, "RUNNABLE"))));

      JsonNode health = await().atMost(Duration.ofSeconds(10)).until(() -> byName(http.getJson(collector.api("/api/health")), NAME),
          h -> h != null && h.path("counts").path("CRASHED").asLong() == 1);

      JsonNode counts = health.path("counts");
      assertEquals(8, counts.path("COMPLETED").asLong(), "3 runs + 5 summarized");
      assertEquals(3, counts.path("FAILED").asLong());
      assertEquals(0, counts.path("STUCK").asLong(), "every flag is listed, 0 when none");
      // 100 × 8/12 = 66.7, minus 10 for the crash.
      assertEquals(57, health.path("score").asInt());
      assertEquals(2, health.path("errorCategories").path("missing_record").asLong());
      assertEquals(1, health.path("errorCategories").path("timeout").asLong());
      assertEquals(0, health.path("errorCategories").path("code_defect").asLong());
      assertEquals(7, health.path("errorCategories").size());
      JsonNode top = health.path("topErrors").path(0);
      assertEquals("IllegalStateException: order <n> not found for customer <id>", top.path("signature").asText());
      assertEquals("java.lang.IllegalStateException", top.path("type").asText());
      assertEquals(2, top.path("count").asLong());
      assertTrue(top.path("lastSeenAt").asText().endsWith("Z"));
      assertEquals("SocketTimeoutException: Read timed out", health.path("topErrors").path(1).path("signature").asText());
      // Durations 100 ×6 (5 summarized at their 100 ms average), 200, 4000: p50 ~100, p95 ~4000.
      long p50 = health.path("durationMs").path("p50").asLong();
      long p95 = health.path("durationMs").path("p95").asLong();
      assertTrue(Math.abs(p50 - 100) <= 10, "p50 " + p50);
      assertTrue(Math.abs(p95 - 4000) <= 400, "p95 " + p95);
      JsonNode trend = health.path("trend");
      assertEquals(24, trend.size());
      long completed = 0;
      long failed = 0;
      long flagged = 0;
      for (JsonNode hour : trend) {
        completed += hour.path("completed").asLong();
        failed += hour.path("failed").asLong();
        flagged += hour.path("flagged").asLong();
        assertTrue(hour.path("hour").asText().matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:00:00\\.000Z"), hour.toString());
      }
      assertEquals(8, completed);
      assertEquals(3, failed);
      assertEquals(1, flagged);

      JsonNode reports = http.getJson(collector.api("/api/health?service=reports")).path("jobs");
      assertEquals(1, reports.size());
      assertEquals("com.acme.Report#build", reports.path(0).path("name").asText());
      assertEquals(100, reports.path(0).path("score").asInt());

      // A late end of the crashed run: the crash was a false positive and is taken back.
      http.export(collector.otlpPort(), dying.request(dying.jobEnd(crashed, System.currentTimeMillis(), JobOutcome.COMPLETED)));
      JsonNode recovered = byName(http.getJson(collector.api("/api/health?service=billing")), NAME);
      assertEquals(0, recovered.path("counts").path("CRASHED").asLong());
      assertEquals(9, recovered.path("counts").path("COMPLETED").asLong());
      assertEquals(75, recovered.path("score").asInt(), "100 × 9/12");
    }
    // Durable: the aggregates are read back after a restart.
    try (RunningCollector collector = new RunningCollector(dir)) {
      JsonNode health = byName(http.getJson(collector.api("/api/health")), NAME);
      assertEquals(9, health.path("counts").path("COMPLETED").asLong());
      assertEquals(3, health.path("counts").path("FAILED").asLong());
    }
  }

  private static JsonNode byName(JsonNode body, String name) {
    for (JsonNode job : body.path("jobs")) {
      if (job.path("name").asText().equals(name)) {
        return job;
      }
    }
    return null;
  }
}
