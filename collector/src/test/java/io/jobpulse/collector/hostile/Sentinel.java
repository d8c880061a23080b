package io.jobpulse.collector.hostile;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.jobpulse.collector.testing.AgentSpans;
import io.jobpulse.collector.testing.AgentSpans.Run;
import io.jobpulse.collector.testing.RunningCollector;
import io.jobpulse.collector.testing.TestHttp;
import io.jobpulse.contract.JobOutcome;

/**
 * Jobs a collector holds before hostile input arrives, and the proof that it still holds them
 * unchanged afterwards: one worker (heartbeats every hour, so nothing is flagged while a test
 * runs) with a completed, a failed and a running job, compared through the API.
 */
final class Sentinel {

  static final String SERVICE = "hostile-sentinel";

  private final RunningCollector collector;
  private final TestHttp http;
  private final JsonNode before;

  private Sentinel(RunningCollector collector, TestHttp http) {
    this.collector = collector;
    this.http = http;
    this.before = snapshot();
  }

  static Sentinel seed(RunningCollector collector, TestHttp http) {
    AgentSpans agent = new AgentSpans(SERVICE);
    long now = System.currentTimeMillis();
    Run completed = Run.create("com.acme.Sentinel#completed", now - 5_000);
    Run failed = Run.create("com.acme.Sentinel#failed", now - 4_000);
    Run running = Run.create("com.acme.Sentinel#running", now - 3_000);
    http.export(collector.otlpPort(), agent.request(
        agent.jobStart(completed, now - 4_900), agent.jobEnd(completed, now - 1_000, JobOutcome.COMPLETED),
        agent.jobEnd(failed, now - 900, JobOutcome.FAILED, 3, "java.io.IOException", "disk full"),
        agent.jobStart(running, now - 2_900),
        agent.heartbeat(3_600_000, now, new AgentSpans.Active(running, 7, 10L, "RUNNABLE"))));
    Sentinel sentinel = new Sentinel(collector, http);
    assertEquals(3, sentinel.before.size(), "the sentinel jobs: " + sentinel.before);
    return sentinel;
  }

  /** Fails unless the collector serves and lists the sentinel jobs exactly as before. */
  void assertUnchanged() {
    assertEquals("ok", http.getJson(collector.api("/healthz")).path("status").asText());
    assertEquals(before, snapshot(), "the jobs the collector had before the hostile input changed");
  }

  private JsonNode snapshot() {
    JsonNode jobs = http.getJson(collector.api("/api/jobs?service=" + SERVICE)).path("jobs");
    for (JsonNode job : jobs) {
      // Derived from the reading time, not from the state.
      ((ObjectNode) job).remove("etaSeconds");
      ((ObjectNode) job).remove("durationMs");
      ((ObjectNode) job.path("progress")).remove("ratePerSecond");
    }
    return jobs;
  }
}
