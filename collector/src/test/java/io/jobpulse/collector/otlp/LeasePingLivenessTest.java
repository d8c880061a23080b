package io.jobpulse.collector.otlp;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.jobpulse.collector.testing.AgentSpans;
import io.jobpulse.collector.testing.AgentSpans.Active;
import io.jobpulse.collector.testing.AgentSpans.Run;
import io.jobpulse.collector.testing.RunningCollector;
import io.jobpulse.collector.testing.TestHttp;
import io.jobpulse.contract.LeaseProtocol;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Lease pings are proof of life for the heartbeat detector: a worker whose spans stop (its export
 * delayed) but whose lease still pings is not declared dead; once the pings stop it is. A real
 * collector on ephemeral ports, a real lease connection.
 */
class LeasePingLivenessTest {

  /** The worker's advertised heartbeat interval: with 3 misses, 1.5 s without a sign of life is death. */
  private static final long HEARTBEAT_INTERVAL_MS = 500;
  private static final long TIMEOUT_MS = 3 * HEARTBEAT_INTERVAL_MS;

  @TempDir Path dir;
  private final TestHttp http = new TestHttp();
  private final AgentSpans agent = new AgentSpans("ping-test");
  private RunningCollector collector;
  private Run run;

  @BeforeEach
  void start() {
    // The lease's own idle rule is kept out of the way: a silent lease stays open for a minute.
    collector = new RunningCollector(dir, b -> b.leaseIdleTimeout(Duration.ofMinutes(1)));
    run = Run.create("com.acme.Pinging#run", System.currentTimeMillis());
    http.export(collector.otlpPort(), agent.request(agent.jobStart(run, System.currentTimeMillis()),
        agent.heartbeat(HEARTBEAT_INTERVAL_MS, System.currentTimeMillis(), new Active(run, 1, null, "RUNNABLE"))));
  }

  @AfterEach
  void stop() {
    collector.close();
  }

  @Test
  void aWorkerThatPingsIsAliveWithoutHeartbeatsUntilItFreezes() throws IOException {
    try (LeaseClient lease = LeaseClient.open(collector.otlpPort(), agent.instanceId())) {
      // No span after the first for more than twice the timeout; the lease pings at every poll.
      await().during(Duration.ofMillis(2 * TIMEOUT_MS + 500)).atMost(Duration.ofSeconds(10))
          .pollInterval(Duration.ofMillis(100))
          .until(() -> LeaseProtocol.PONG.equals(lease.ping()) && "RUNNING".equals(status()));
      long lastPingAt = System.currentTimeMillis();
      lease.ping();

      // Frozen: the socket stays open but nothing more is said.
      await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertEquals("CRASHED", status()));
      long flaggedBy = System.currentTimeMillis();
      JsonNode flag = job().path("flag");
      String reason = flag.path("reason").asText();
      assertTrue(reason.startsWith("no heartbeat from worker " + agent.instanceId()) && reason.contains(
          " and no lease ping for "), "the reason names both silences: " + reason);
      long latency = flag.path("detectionLatencyMs").asLong();
      assertTrue(latency > TIMEOUT_MS, "the evidence is the last ping, one timeout before the flag: " + flag);
      assertTrue(latency <= flaggedBy - lastPingAt, "measured from the last ping, not the last span: " + flag);
    }
  }

  @Test
  void aWorkerThatPingedAndThenDiesIsFlaggedByTheLeaseAtOnce() throws IOException {
    try (LeaseClient lease = LeaseClient.open(collector.otlpPort(), agent.instanceId())) {
      await().during(Duration.ofMillis(TIMEOUT_MS + 500)).atMost(Duration.ofSeconds(10))
          .pollInterval(Duration.ofMillis(100))
          .until(() -> LeaseProtocol.PONG.equals(lease.ping()) && "RUNNING".equals(status()));
    } // closed without goodbye: the process was killed
    await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> assertEquals("CRASHED", status()));
    assertEquals(LeaseHandler.CLOSED_WITHOUT_GOODBYE, job().path("flag").path("reason").asText());
  }

  private JsonNode job() {
    return http.getJson(collector.api("/api/jobs/" + run.id()));
  }

  private String status() {
    return job().path("status").asText();
  }
}
