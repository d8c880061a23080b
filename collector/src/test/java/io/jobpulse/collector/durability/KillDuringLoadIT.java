package io.jobpulse.collector.durability;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jobpulse.collector.testing.AgentSpans;
import io.jobpulse.collector.testing.AgentSpans.Run;
import io.jobpulse.collector.testing.CollectorProcess;
import io.jobpulse.collector.testing.TestHttp;
import io.jobpulse.contract.JobOutcome;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The collector jar is killed with {@code kill -9} while a load generator sends real OTLP/HTTP
 * protobuf over several connections. Restarted on the same data directory, it holds every request
 * it acknowledged (each run checked through the API, ends included); the requests it never
 * acknowledged are retried by their senders and are then there too.
 */
class KillDuringLoadIT {

  private static final int CONNECTIONS = 4;
  private static final int RUNS_PER_REQUEST = 10;
  /** Acknowledged requests before the kill: enough that the kill lands in a steady stream. */
  private static final int ACKNOWLEDGED_BEFORE_KILL = 150;

  @TempDir Path dir;
  private final TestHttp http = new TestHttp();

  /** What one request was about: its runs, and whether they start or end there. */
  private record Sent(List<Run> runs, boolean ends, byte[] body) {}

  @ParameterizedTest(name = "fsync={0}")
  @ValueSource(booleans = {false, true})
  void everyAcknowledgedRequestSurvivesKillMinus9(boolean fsync) throws Exception {
    Path data = dir.resolve("data");
    String[] args = fsync ? new String[] {"--fsync"} : new String[0];
    Queue<Sent> acknowledged = new ConcurrentLinkedQueue<>();
    Queue<Sent> unacknowledged = new ConcurrentLinkedQueue<>();
    AtomicInteger acks = new AtomicInteger();
    AtomicBoolean killed = new AtomicBoolean();
    CollectorProcess collector = CollectorProcess.start(data, dir.resolve("first.log"), Map.of(), args);
    ExecutorService senders = Executors.newFixedThreadPool(CONNECTIONS);
    try {
      for (int c = 0; c < CONNECTIONS; c++) {
        senders.execute(() -> sendUntilRefused(collector.otlpPort(), acknowledged, unacknowledged, acks, killed));
      }
      await().atMost(Duration.ofSeconds(120)).until(() -> acks.get() >= ACKNOWLEDGED_BEFORE_KILL);
      killed.set(true);
      collector.kill();
    } finally {
      senders.shutdown();
      assertTrue(senders.awaitTermination(60, TimeUnit.SECONDS), "a sender did not stop after the kill");
      collector.close();
    }

    try (CollectorProcess restarted = CollectorProcess.start(data, dir.resolve("second.log"), Map.of(), args)) {
      assertAllStored(restarted, acknowledged, "acknowledged before the kill -9");
      // The senders retry what was never acknowledged (an OTLP exporter would, with backoff).
      for (Sent sent : unacknowledged) {
        HttpResponse<byte[]> response = http.post(TestHttp.otlp(restarted.otlpPort()), TestHttp.PROTOBUF, sent.body());
        assertEquals(200, response.statusCode(), new String(response.body()));
      }
      assertAllStored(restarted, unacknowledged, "retried after the restart");
      System.out.printf("fsync=%s: %d requests acknowledged before kill -9, %d in flight retried%n",
          fsync, acknowledged.size(), unacknowledged.size());
    }
  }

  /**
   * One connection's sender: each worker alternates a request starting {@link #RUNS_PER_REQUEST}
   * runs with one ending the runs it started before. Stops at the first failure once the collector
   * is killed; that request and the rest of its runs' story are left unacknowledged.
   */
  private static void sendUntilRefused(int port, Queue<Sent> acknowledged, Queue<Sent> unacknowledged,
      AtomicInteger acks, AtomicBoolean killed) {
    HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build(); // one connection each
    AgentSpans agent = new AgentSpans("durability");
    List<Run> started = null;
    while (true) {
      Sent sent;
      if (started == null) {
        List<Run> runs = new ArrayList<>();
        for (int i = 0; i < RUNS_PER_REQUEST; i++) {
          runs.add(Run.create("com.acme.Durable#run", System.currentTimeMillis()));
        }
        sent = new Sent(runs, false, agent.request(runs.stream()
            .map(run -> agent.jobStart(run, System.currentTimeMillis())).toArray(io.opentelemetry.proto.trace.v1.Span[]::new))
            .toByteArray());
      } else {
        sent = new Sent(started, true, agent.request(started.stream()
            .map(run -> agent.jobEnd(run, System.currentTimeMillis(), JobOutcome.COMPLETED))
            .toArray(io.opentelemetry.proto.trace.v1.Span[]::new)).toByteArray());
      }
      int status;
      try {
        status = client.send(HttpRequest.newBuilder(URI.create(TestHttp.otlp(port))).timeout(Duration.ofSeconds(30))
            .header("Content-Type", TestHttp.PROTOBUF).POST(HttpRequest.BodyPublishers.ofByteArray(sent.body())).build(),
            HttpResponse.BodyHandlers.discarding()).statusCode();
      } catch (Exception e) {
        status = -1;
      }
      if (status == 200) {
        acknowledged.add(sent);
        acks.incrementAndGet();
        started = sent.ends() ? null : sent.runs();
      } else if (killed.get()) {
        unacknowledged.add(sent);
        return;
      } else if (status != 503) {
        throw new AssertionError("the live collector answered " + status);
      }
    }
  }

  private void assertAllStored(CollectorProcess collector, Queue<Sent> requests, String what) {
    for (Sent sent : requests) {
      for (Run run : sent.runs()) {
        HttpResponse<byte[]> response = http.get(collector.api("/api/jobs/" + run.id()));
        assertEquals(200, response.statusCode(), "run " + run.id() + " " + what + " is missing");
        String status = TestHttp.json(response).path("status").asText();
        if (sent.ends()) {
          assertEquals("COMPLETED", status, "the end of run " + run.id() + " " + what + " is missing");
        }
      }
    }
  }
}
