package io.jobpulse.collector.detect;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.jobpulse.collector.testing.AgentSpans;
import io.jobpulse.collector.testing.AgentSpans.Run;
import io.jobpulse.collector.testing.AgentSpans.Running;
import io.jobpulse.collector.testing.RunningCollector;
import io.jobpulse.collector.testing.TestHttp;
import io.jobpulse.contract.AttributeKeys;
import io.jobpulse.contract.JobMatcher;
import io.jobpulse.contract.JobOutcome;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Every flag, from OTLP requests built like the agent's to the REST API, on a real collector. */
class DetectionEndToEndTest {

  private static final long INTERVAL_MS = 200;
  private static final Duration WAIT = Duration.ofSeconds(15);

  @TempDir Path dir;
  private final TestHttp http = new TestHttp();
  private final AgentSpans agent = new AgentSpans("orders");
  private final ScheduledExecutorService heartbeats = Executors.newSingleThreadScheduledExecutor();

  @AfterEach
  void stopHeartbeats() {
    heartbeats.shutdownNow();
  }

  @Test
  void stuckStalledPendingTooLongAndDuplicateShowInTheApiAndItsStatusFilter() {
    DetectionSettings settings = DetectionSettings.builder()
        .stallTimeout(Duration.ofMillis(600))
        .queueTimeout(Duration.ofMillis(800))
        .rule(new JobRule(JobMatcher.parse("com.acme.reports..*#run"), Duration.ofSeconds(1), Duration.ZERO, null))
        .build();
    try (RunningCollector collector = new RunningCollector(dir, b -> b.detection(settings))) {
      long now = System.currentTimeMillis();
      Run stuck = Run.create("com.acme.reports.Monthly#run", now);
      Run stalled = Run.create("com.acme.Sync#pull", now);
      Run queued = Run.create("com.acme.Mail#send", now);
      Run first = Run.create("com.acme.Invoice#send", now - 10);
      Run second = Run.create("com.acme.Invoice#send", now);
      http.export(collector.otlpPort(), agent.request(
          agent.jobStart(stuck, now), agent.jobStart(stalled, now),
          agent.jobPending(queued, now, now + 100),
          agent.jobStart(first, now, AgentSpans.string(AttributeKeys.JOB_BUSINESS_ID, "inv-1")),
          agent.jobStart(second, now, AgentSpans.string(AttributeKeys.JOB_BUSINESS_ID, "inv-1"))));
      assertEquals("PENDING", job(collector, queued).path("status").asText());

      AtomicLong stuckDone = new AtomicLong();
      heartbeats.scheduleAtFixedRate(() -> http.export(collector.otlpPort(), agent.request(agent.heartbeat(INTERVAL_MS,
          System.currentTimeMillis(), List.of(
              new Running(stuck, stuckDone.incrementAndGet(), 1000L, "RUNNABLE", true, "com.acme.reports.Monthly.run(Monthly.java:10)"),
              new Running(stalled, 7, null, "BLOCKED", false, "com.acme.Sync.lock(Sync.java:99)"),
              new Running(first, 1, null, "RUNNABLE", true, "a.B.c(B.java:1)"),
              new Running(second, 1, null, "RUNNABLE", true, "a.B.c(B.java:1)")),
          List.of(queued)))), 0, INTERVAL_MS, TimeUnit.MILLISECONDS);

      await().atMost(WAIT).untilAsserted(() -> {
        assertEquals(List.of(stuck.id()), ids(collector, "?status=STUCK"));
        assertEquals(List.of(stalled.id()), ids(collector, "?status=STALLED"));
        assertEquals(List.of(queued.id()), ids(collector, "?status=PENDING_TOO_LONG"));
        assertEquals(List.of(second.id()), ids(collector, "?status=DUPLICATE"));
      });

      JsonNode s = job(collector, stalled);
      assertEquals("RUNNING", s.path("status").asText());
      assertEquals("STALLED", s.path("flag").path("type").asText());
      String reason = s.path("flag").path("reason").asText();
      assertTrue(reason.contains("thread worker-1 is BLOCKED at com.acme.Sync.lock(Sync.java:99)"), reason);
      assertTrue(s.path("flag").path("detectionLatencyMs").asLong() >= 0);
      assertEquals("com.acme.Sync.lock(Sync.java:99)", s.path("stackTop").asText());

      JsonNode k = job(collector, stuck);
      assertEquals("RUNNING", k.path("status").asText());
      assertTrue(k.path("flag").path("reason").asText().endsWith("longer than its max runtime of 1s"), k.toString());
      assertFalse(k.path("flag").path("flaggedAt").isNull());
      assertTrue(k.path("progress").path("ratePerSecond").asDouble() > 0, k.toString());
      assertTrue(k.path("etaSeconds").isNumber(), k.toString());

      JsonNode q = job(collector, queued);
      assertEquals("PENDING", q.path("status").asText());
      assertFalse(q.path("enqueuedAt").isNull());

      JsonNode d = job(collector, second);
      assertEquals(first.id(), d.path("duplicateOf").asText());
      assertTrue(ids(collector, "?status=RUNNING").containsAll(List.of(stuck.id(), stalled.id(), first.id(), second.id())));
    }
  }

  @Test
  void aFrozenWorkerIsCrashedThenReconciledWhenItsHeartbeatsResume() {
    try (RunningCollector collector = new RunningCollector(dir)) {
      Run run = Run.create("com.acme.Batch#run", System.currentTimeMillis());
      http.export(collector.otlpPort(), agent.request(agent.jobStart(run, System.currentTimeMillis())));
      AtomicBoolean frozen = new AtomicBoolean();
      AtomicLong done = new AtomicLong();
      // kill -STOP freezes every thread of the worker: its heartbeats stop; kill -CONT resumes them.
      heartbeats.scheduleAtFixedRate(() -> {
        if (!frozen.get()) {
          http.export(collector.otlpPort(), agent.request(agent.heartbeat(INTERVAL_MS, System.currentTimeMillis(),
              new AgentSpans.Active(run, done.incrementAndGet(), 100L, "RUNNABLE"))));
        }
      }, 0, INTERVAL_MS, TimeUnit.MILLISECONDS);
      await().atMost(WAIT).until(() -> done.get() >= 3);

      frozen.set(true);
      await().atMost(WAIT).untilAsserted(() -> assertEquals("CRASHED", job(collector, run).path("status").asText()));
      assertEquals("DEAD", worker(collector).path("state").asText());

      frozen.set(false);
      await().atMost(WAIT).untilAsserted(() -> assertEquals("RUNNING", job(collector, run).path("status").asText()));
      JsonNode revived = job(collector, run);
      assertTrue(revived.path("flaggedThenRecovered").asBoolean());
      assertEquals("CRASHED", revived.path("flag").path("type").asText(), "the flag keeps what was concluded");
      assertEquals("ALIVE", worker(collector).path("state").asText());
      assertTrue(statuses(revived).containsAll(List.of("RUNNING", "CRASHED")), revived.path("history").toString());
    }
  }

  @Test
  void aParentShowsItsChildrenAndWaitsOnTheOneLostAndRetriesCountAttempts() {
    DetectionSettings settings = DetectionSettings.builder().lostAfter(2).build();
    try (RunningCollector collector = new RunningCollector(dir, b -> b.detection(settings))) {
      long now = System.currentTimeMillis();
      Run parent = Run.create("com.acme.Import#run", now);
      List<Run> children = new ArrayList<>();
      List<io.opentelemetry.proto.trace.v1.Span> starts = new ArrayList<>();
      starts.add(agent.jobStart(parent, now));
      for (int i = 0; i < 4; i++) {
        Run child = new Run(AgentSpans.newSpanId(), parent.traceId(), "com.acme.Import#row", now);
        children.add(child);
        starts.add(agent.jobStart(child, now, AgentSpans.string(AttributeKeys.JOB_PARENT_ID, parent.id()),
            AgentSpans.string(AttributeKeys.JOB_BUSINESS_ID, "row-" + i)));
      }
      http.export(collector.otlpPort(), agent.request(starts.toArray(io.opentelemetry.proto.trace.v1.Span[]::new)));
      http.export(collector.otlpPort(), agent.request(
          agent.jobEnd(children.get(0), now + 5, JobOutcome.COMPLETED),
          agent.jobEnd(children.get(1), now + 6, JobOutcome.FAILED, 0, "java.io.IOException", "disk")));
      // The worker goes on listing the parent and child 2, but child 3 vanished without an end.
      List<Running> listed = new CopyOnWriteArrayList<>(List.of(
          new Running(parent, 1, null, "WAITING", true, "x.Y.z(Y.java:1)"),
          new Running(children.get(2), 1, null, "RUNNABLE", true, "x.Y.z(Y.java:2)")));
      heartbeats.scheduleAtFixedRate(() -> http.export(collector.otlpPort(), agent.request(
          agent.heartbeat(INTERVAL_MS, System.currentTimeMillis(), listed, List.of()))), 0, INTERVAL_MS,
          TimeUnit.MILLISECONDS);

      await().atMost(WAIT).untilAsserted(() ->
          assertEquals("LOST", job(collector, children.get(3)).path("status").asText()));
      JsonNode p = job(collector, parent);
      assertEquals("RUNNING", p.path("status").asText());
      assertEquals(children.get(3).id(), p.path("waitingOn").path("childId").asText());
      assertEquals("LOST", p.path("waitingOn").path("status").asText());
      JsonNode counts = p.path("children");
      assertEquals(1, counts.path("completed").asLong());
      assertEquals(1, counts.path("failed").asLong());
      assertEquals(1, counts.path("running").asLong());
      assertEquals(1, counts.path("lost").asLong());
      assertEquals(0, counts.path("crashed").asLong());
      assertEquals(4, counts.path("total").asLong());
      JsonNode listedParent = null;
      for (JsonNode listedJob : http.getJson(collector.api("/api/jobs?status=RUNNING")).path("jobs")) {
        if (listedJob.path("id").asText().equals(parent.id())) {
          listedParent = listedJob;
        }
      }
      assertEquals(children.get(3).id(), listedParent.path("waitingOn").path("childId").asText(), "the list marks it");

      // A retry of the lost row is its second attempt.
      Run retry = new Run(AgentSpans.newSpanId(), parent.traceId(), "com.acme.Import#row", System.currentTimeMillis());
      http.export(collector.otlpPort(), agent.request(agent.jobStart(retry, retry.startedAtMillis(),
          AgentSpans.string(AttributeKeys.JOB_PARENT_ID, parent.id()), AgentSpans.string(AttributeKeys.JOB_BUSINESS_ID, "row-3"))));
      JsonNode r = job(collector, retry);
      assertEquals(2, r.path("attempt").asLong());
      assertEquals(children.get(3).id(), r.path("previousAttemptId").asText());
      assertEquals(5, job(collector, parent).path("children").path("total").asLong());
    }
  }

  private JsonNode job(RunningCollector collector, Run run) {
    return http.getJson(collector.api("/api/jobs/" + run.id()));
  }

  private JsonNode worker(RunningCollector collector) {
    return http.getJson(collector.api("/api/workers")).path("workers").get(0);
  }

  private List<String> ids(RunningCollector collector, String query) {
    List<String> ids = new ArrayList<>();
    http.getJson(collector.api("/api/jobs" + query)).path("jobs").forEach(j -> ids.add(j.path("id").asText()));
    return ids;
  }

  private static List<String> statuses(JsonNode job) {
    List<String> statuses = new ArrayList<>();
    job.path("history").forEach(h -> statuses.add(h.path("status").asText()));
    return statuses;
  }
}
