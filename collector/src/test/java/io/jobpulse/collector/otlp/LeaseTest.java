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
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The liveness lease over a raw socket, as the agent speaks it. */
class LeaseTest {

  /** Long enough that the heartbeat timeout never fires unless a test shortens it: only the lease can flag. */
  private static final long HEARTBEAT_INTERVAL_MS = 60_000;

  @TempDir Path dir;
  private final TestHttp http = new TestHttp();
  private final AgentSpans agent = new AgentSpans("lease-test");
  private RunningCollector collector;
  private Run run;

  @BeforeEach
  void start() {
    collector = new RunningCollector(dir, b -> b.leaseIdleTimeout(Duration.ofMillis(1500)));
    run = Run.create("com.acme.Leased#run", System.currentTimeMillis());
    http.export(collector.otlpPort(), agent.request(agent.jobStart(run, System.currentTimeMillis()),
        agent.heartbeat(HEARTBEAT_INTERVAL_MS, System.currentTimeMillis(), new Active(run, 1, null, "RUNNABLE"))));
  }

  @AfterEach
  void stop() {
    collector.close();
  }

  @Test
  void pingIsAnsweredAndAClosedLeaseWithoutGoodbyeCrashesTheWorkersRuns() throws IOException {
    long closedAt;
    try (LeaseClient lease = LeaseClient.open(collector.otlpPort(), agent.instanceId())) {
      assertEquals(LeaseProtocol.PONG, lease.ping());
      assertEquals(LeaseProtocol.PONG, lease.ping());
      assertEquals("RUNNING", status());
      closedAt = System.currentTimeMillis();
    }
    await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> assertEquals("CRASHED", status()));
    JsonNode flag = job().path("flag");
    assertEquals("lease connection closed without goodbye", flag.path("reason").asText());
    assertTrue(flag.path("detectionLatencyMs").asLong() < System.currentTimeMillis() - closedAt + 1,
        "latency is measured from the close: " + flag);
  }

  @Test
  void aGoodbyeMeansNoCrash() throws IOException {
    try (LeaseClient lease = LeaseClient.open(collector.otlpPort(), agent.instanceId())) {
      lease.ping();
      lease.send(LeaseProtocol.BYE);
    }
    await().during(Duration.ofMillis(800)).atMost(Duration.ofSeconds(5)).until(() -> "RUNNING".equals(status()));
  }

  @Test
  void aSilentLeaseIsClosedButTheHeartbeatRuleJudgesTheWorkerFromItsLastPing() throws IOException {
    // A heartbeat timeout (3 × 2 s) well past the lease's idle timeout (1.5 s): a pause shorter than
    // the timeout, a long garbage collection say, must not crash the worker's runs.
    long intervalMs = 2_000;
    long timeoutMs = 3 * intervalMs;
    http.export(collector.otlpPort(), agent.request(
        agent.heartbeat(intervalMs, System.currentTimeMillis(), new Active(run, 1, null, "RUNNABLE"))));
    long lastPingAt;
    try (LeaseClient lease = LeaseClient.open(collector.otlpPort(), agent.instanceId())) {
      lastPingAt = System.currentTimeMillis();
      assertEquals(LeaseProtocol.PONG, lease.ping());
      // No more pings: a frozen process keeps its socket open.
      await().atMost(Duration.ofSeconds(10)).until(lease::closedByPeer);
      assertEquals("RUNNING", status(), "closing a silent lease is no verdict");
    }
    await().atMost(Duration.ofSeconds(15)).untilAsserted(() -> assertEquals("CRASHED", status()));
    long flaggedBy = System.currentTimeMillis();
    JsonNode flag = job().path("flag");
    assertTrue(flag.path("reason").asText().contains(" and no lease ping for "), "flagged by the heartbeat rule: " + flag);
    long latency = flag.path("detectionLatencyMs").asLong();
    assertTrue(latency > timeoutMs && latency <= flaggedBy - lastPingAt, "measured from the last ping: " + flag);
  }

  @Test
  void aReconnectIsNotACrash() throws IOException {
    LeaseClient first = LeaseClient.open(collector.otlpPort(), agent.instanceId());
    try (LeaseClient second = LeaseClient.open(collector.otlpPort(), agent.instanceId())) {
      first.close(); // the old connection goes away after the new one is up
      assertEquals(LeaseProtocol.PONG, second.ping());
      await().during(Duration.ofMillis(800)).atMost(Duration.ofSeconds(5)).until(() -> "RUNNING".equals(status()));
      second.send(LeaseProtocol.BYE);
    }
  }

  @Test
  void anUpgradeWithoutItsHeadersIsRefused() throws IOException {
    try (Socket socket = new Socket("127.0.0.1", collector.otlpPort())) {
      socket.getOutputStream().write(("GET " + LeaseProtocol.PATH + " HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
          .getBytes(StandardCharsets.US_ASCII));
      String statusLine = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.US_ASCII))
          .readLine();
      assertEquals("HTTP/1.1 400 Bad Request", statusLine);
    }
  }

  private JsonNode job() {
    return http.getJson(collector.api("/api/jobs/" + run.id()));
  }

  private String status() {
    return job().path("status").asText();
  }
}
