package io.jobpulse.sample.e2e;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * LOST, produced the way a real worker gets there: a batch ends while the collector is being
 * replaced (its port answers 503), the agent gives its end up after its retries, and the worker
 * goes on with the next batch. The new collector, which lost nothing it had acknowledged, sees
 * the worker alive and no longer listing that batch, and no end ever comes.
 */
class LostRunIT {

  private static final Duration SHOWN = Duration.ofSeconds(30);
  /** The agent's export retries and timeout against a refusing port: a bound, not a speed. */
  private static final Duration GIVEN_UP = Duration.ofSeconds(60);

  /**
   * A heartbeat timeout of 20 × 500 ms. Once the collector is back, the agent's exporter first
   * finishes the backoff it began against the 503s: with the tests' usual 3 misses, the restart
   * grace (one timeout) runs out before the first heartbeat arrives, and the restarted collector
   * takes the live worker for dead (CRASHED) before it can see the run is merely LOST.
   */
  private static final String[] COLLECTOR_OPTIONS = {CollectorProcess.HEARTBEAT_MISSES_OPTION, "20"};

  @RegisterExtension final ChildProcesses children = new ChildProcesses();
  @TempDir Path dataDir;

  @Test
  void batchWhoseEndWasLostWhileTheCollectorWasAwayIsLostNotCrashed() {
    int otlpPort = FreePorts.pick();
    int httpPort = FreePorts.pick();
    CollectorProcess collector = children.startCollector(dataDir, otlpPort, httpPort, COLLECTOR_OPTIONS);
    JobPulseApi api = collector.api();
    AppProcess app =
        children.app().withAgent(collector)
            .args("enrich", "--batches", "1000", "--firms", "40", "--delay-ms", "50", "--batch-id", "nightly")
            .start();
    JsonNode first =
        api.awaitJob(SampleJobs.ENRICH, "batch nightly RUNNING",
            job -> "nightly".equals(job.path("businessId").asText())
                && "RUNNING".equals(job.path("status").asText()),
            SHOWN);
    byte[] firstId = first.path("id").asText().getBytes(StandardCharsets.US_ASCII);

    collector.stop();
    try (UnavailableCollector unavailable = UnavailableCollector.on(otlpPort)) {
      await("batch nightly ended while the collector is away")
          .atMost(SHOWN)
          .until(() -> app.stdout().contains("enriching 40 firms in batch nightly-2\n"));
      int endedAt = unavailable.bodies().size();
      // Heartbeats list batch nightly while it runs, and its end names it; the agent exports in
      // order, so a request without it, after the batch ended, means the end was given up.
      await("an export without batch nightly: its end given up")
          .atMost(GIVEN_UP)
          .until(() -> {
            List<byte[]> bodies = unavailable.bodies();
            return bodies.subList(Math.min(endedAt, bodies.size()), bodies.size()).stream()
                .anyMatch(body -> !contains(body, firstId));
          });
    }
    CollectorProcess restarted = children.startCollector(dataDir, otlpPort, httpPort, COLLECTOR_OPTIONS);
    assertEquals(otlpPort, restarted.otlpPort());

    JsonNode lost =
        api.awaitDetail(first.path("id").asText(), "status LOST",
            job -> "LOST".equals(detail(job).path("status").asText()), SHOWN);
    JsonNode job = detail(lost);
    assertEquals("LOST", job.path("flag").path("type").asText(), job::toString);
    assertFalse(job.path("flag").path("reason").asText().isBlank(), job::toString);
    assertTrue(app.isAlive(), "the worker lives on");
    // The batch that ran through the restart is the worker's, announced again: not lost.
    JsonNode later =
        api.awaitJob(SampleJobs.ENRICH, "a later batch RUNNING",
            j -> !"nightly".equals(j.path("businessId").asText()) && "RUNNING".equals(j.path("status").asText()),
            SHOWN);
    assertEquals(job.path("worker"), later.path("worker"), "the same, live worker");
  }

  private static JsonNode detail(JsonNode answer) {
    return answer.has("job") ? answer.get("job") : answer;
  }

  private static boolean contains(byte[] body, byte[] part) {
    outer:
    for (int i = 0; i + part.length <= body.length; i++) {
      for (int j = 0; j < part.length; j++) {
        if (body[i + j] != part[j]) {
          continue outer;
        }
      }
      return true;
    }
    return false;
  }
}
