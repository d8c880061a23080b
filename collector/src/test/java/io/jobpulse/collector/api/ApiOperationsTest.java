package io.jobpulse.collector.api;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.jobpulse.collector.testing.AgentSpans;
import io.jobpulse.collector.testing.AgentSpans.Active;
import io.jobpulse.collector.testing.AgentSpans.Run;
import io.jobpulse.collector.testing.RunningCollector;
import io.jobpulse.collector.testing.TestHttp;
import io.jobpulse.contract.JobOutcome;
import io.jobpulse.contract.LeaseProtocol;
import io.opentelemetry.proto.trace.v1.Span;
import java.net.Socket;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Mutations, access control, paging and the workers view of the REST API, on a real collector. */
class ApiOperationsTest {

  private static final String TOKEN = "s3cret-token";

  @TempDir Path dir;
  private final TestHttp http = new TestHttp();
  private final AgentSpans agent = new AgentSpans("ops");

  @Test
  void mutatingCallsNeedTheTokenWhenOneIsSet() {
    try (RunningCollector collector = new RunningCollector(dir, b -> b.apiToken(TOKEN))) {
      HttpResponse<byte[]> none = http.request("POST", collector.api("/api/jobs/reset-stuck?olderThan=30m"));
      assertEquals(401, none.statusCode());
      assertEquals("Bearer", none.headers().firstValue("WWW-Authenticate").orElse(null));
      assertFalse(new String(none.body()).contains(TOKEN));
      assertEquals(401, http.request("POST", collector.api("/api/jobs/reset-stuck?olderThan=30m"),
          "Authorization", "Bearer wrong").statusCode());
      assertEquals(401, http.request("DELETE", collector.api("/api/jobs?status=COMPLETED"),
          "Authorization", "Basic " + TOKEN).statusCode());
      assertEquals(200, http.request("POST", collector.api("/api/jobs/reset-stuck?olderThan=30m"),
          "Authorization", "Bearer " + TOKEN).statusCode());
      assertEquals(200, http.request("DELETE", collector.api("/api/jobs?status=COMPLETED"),
          "Authorization", "bearer " + TOKEN).statusCode());
      // Reads stay open.
      assertEquals(200, http.get(collector.api("/api/jobs")).statusCode());
      assertEquals(200, http.get(collector.api("/api/health")).statusCode());
      assertEquals(200, http.get(collector.api("/metrics")).statusCode());
    }
  }

  @Test
  void deleteRemovesTerminalRunsOnlyWithTheirIndexEntries() {
    try (RunningCollector collector = new RunningCollector(dir)) {
      long now = System.currentTimeMillis();
      Run parent = Run.create("com.acme.Parent#run", now - 5000);
      List<Span> spans = new ArrayList<>();
      spans.add(agent.jobStart(parent, now - 4900));
      List<Run> done = new ArrayList<>();
      for (int i = 0; i < 3; i++) {
        Run run = Run.create("com.acme.Child#run", now - 1000 + i);
        done.add(run);
        spans.add(agent.jobEnd(run, now, JobOutcome.COMPLETED));
      }
      Run failed = Run.create("com.acme.Child#run", now - 900);
      spans.add(agent.jobEnd(failed, now, JobOutcome.FAILED, 0, "java.lang.IllegalStateException", "boom"));
      spans.add(agent.heartbeat(60_000, now, new Active(parent, 1, null, "RUNNABLE")));
      http.export(collector.otlpPort(), agent.request(spans.toArray(Span[]::new)));

      for (String live : List.of("RUNNING", "running", "PENDING")) {
        HttpResponse<byte[]> refused = http.request("DELETE", collector.api("/api/jobs?status=" + live));
        assertEquals(400, refused.statusCode());
        String error = TestHttp.json(refused).path("error").asText();
        assertTrue(error.contains("never deleted") && error.contains("COMPLETED, FAILED"), error);
      }
      assertEquals(400, http.request("DELETE", collector.api("/api/jobs?status=STUCK")).statusCode());
      assertEquals(400, http.request("DELETE", collector.api("/api/jobs")).statusCode());
      assertEquals(400, http.request("DELETE", collector.api("/api/jobs?status=COMPLETED&olderThan=soon")).statusCode());

      JsonNode none = TestHttp.json(http.request("DELETE", collector.api("/api/jobs?status=COMPLETED&olderThan=1h")));
      assertEquals(0, none.path("deleted").asInt(), "they ended just now");
      JsonNode deleted = TestHttp.json(http.request("DELETE", collector.api("/api/jobs?status=COMPLETED")));
      assertEquals(3, deleted.path("deleted").asInt());

      for (Run run : done) {
        assertEquals(404, http.get(collector.api("/api/jobs/" + run.id())).statusCode());
      }
      assertEquals(0, http.getJson(collector.api("/api/jobs?status=COMPLETED")).path("jobs").size());
      assertEquals(Set.of(failed.id(), parent.id()), ids(http.getJson(collector.api("/api/jobs"))));
      assertEquals("RUNNING", http.getJson(collector.api("/api/jobs/" + parent.id())).path("status").asText());
      assertEquals(1, TestHttp.json(http.request("DELETE", collector.api("/api/jobs?status=failed"))).path("deleted").asInt());
      assertEquals(Set.of(parent.id()), ids(http.getJson(collector.api("/api/jobs"))));
    }
  }

  @Test
  void pagesByCursorAndByOffset() {
    try (RunningCollector collector = new RunningCollector(dir)) {
      long now = System.currentTimeMillis();
      List<Span> spans = new ArrayList<>();
      List<String> newestFirst = new ArrayList<>();
      for (int i = 0; i < 7; i++) {
        Run run = Run.create("com.acme.Page#run", now - 10_000 + i * 100);
        spans.add(agent.jobEnd(run, now, JobOutcome.COMPLETED));
        newestFirst.add(0, run.id());
      }
      http.export(collector.otlpPort(), agent.request(spans.toArray(Span[]::new)));

      List<String> paged = new ArrayList<>();
      String cursor = null;
      int pages = 0;
      do {
        JsonNode page = http.getJson(collector.api("/api/jobs?status=COMPLETED&limit=3" + (cursor == null ? "" : "&before=" + cursor)));
        page.path("jobs").forEach(job -> paged.add(job.path("id").asText()));
        cursor = page.path("next").isNull() ? null : page.path("next").asText();
        pages++;
      } while (cursor != null && pages < 10);
      assertEquals(newestFirst, paged);

      JsonNode offset = http.getJson(collector.api("/api/jobs?limit=2&offset=3"));
      assertEquals(newestFirst.subList(3, 5), List.of(offset.path("jobs").path(0).path("id").asText(),
          offset.path("jobs").path(1).path("id").asText()));
      assertEquals(400, http.get(collector.api("/api/jobs?offset=-1")).statusCode());
      assertEquals(400, http.get(collector.api("/api/jobs?before=!!")).statusCode());
    }
  }

  @Test
  void workersShowUptimeLeaseAndCurrentJobs() {
    try (RunningCollector collector = new RunningCollector(dir)) {
      long now = System.currentTimeMillis();
      Run running = Run.create("com.acme.Long#run", now - 1000);
      http.export(collector.otlpPort(), agent.request(agent.jobStart(running, now),
          agent.heartbeat(60_000, now, new Active(running, 3, 10L, "RUNNABLE"))));
      JsonNode worker = http.getJson(collector.api("/api/workers")).path("workers").path(0);
      assertEquals(agent.instanceId(), worker.path("id").asText());
      assertEquals(4242, worker.path("pid").asLong());
      assertEquals("test-host", worker.path("host").asText());
      assertTrue(worker.path("uptimeSeconds").isNumber());
      assertTrue(worker.path("lastHeartbeatAt").asText().endsWith("Z"));
      assertEquals("none", worker.path("lease").asText());
      JsonNode current = worker.path("currentJobs").path(0);
      assertEquals(running.id(), current.path("id").asText());
      assertEquals("com.acme.Long#run", current.path("name").asText());
      assertEquals(3, current.path("progressDone").asLong());
      assertEquals(10, current.path("progressTotal").asLong());
    }
  }

  @Test
  void workersShowTheirLeaseConnectedThenClosed() throws Exception {
    try (RunningCollector collector = new RunningCollector(dir)) {
      http.export(collector.otlpPort(), agent.request(agent.heartbeat(60_000, System.currentTimeMillis())));
      try (Socket lease = new Socket("127.0.0.1", collector.otlpPort())) {
        lease.getOutputStream().write(("GET " + LeaseProtocol.PATH + " HTTP/1.1\r\nHost: test\r\n"
            + "Connection: Upgrade\r\nUpgrade: " + LeaseProtocol.UPGRADE_TOKEN + "\r\n"
            + LeaseProtocol.INSTANCE_ID_HEADER + ": " + agent.instanceId() + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
        lease.getOutputStream().flush();
        await().atMost(Duration.ofSeconds(10)).until(() -> leaseOf(collector).equals("connected"));
      }
      await().atMost(Duration.ofSeconds(10)).until(() -> leaseOf(collector).equals("closed"));
    }
  }

  private String leaseOf(RunningCollector collector) {
    return http.getJson(collector.api("/api/workers")).path("workers").path(0).path("lease").asText();
  }

  private static Set<String> ids(JsonNode body) {
    Set<String> ids = new HashSet<>();
    body.path("jobs").forEach(job -> ids.add(job.path("id").asText()));
    return ids;
  }
}
