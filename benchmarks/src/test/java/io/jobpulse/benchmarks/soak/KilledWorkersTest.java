package io.jobpulse.benchmarks.soak;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The soak's verdict on a flagged run: right only for a worker it killed, after the kill, never contradicted. */
class KilledWorkersTest {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Instant KILLED_AT = Instant.parse("2026-01-01T10:00:00.000Z");

  private final KilledWorkers killed = new KilledWorkers();

  KilledWorkersTest() {
    killed.add(new Kill(false, "instance-killed", List.of("a"), KILLED_AT, 0));
    killed.add(new Kill(true, "soak-real-7", List.of("b"), KILLED_AT, 0));
  }

  @Test
  void aFlagAfterTheKillOfItsWorkerIsRight() {
    assertTrue(killed.flaggedRightly(job("instance-killed", "soak-sim-1", "2026-01-01T10:00:00.040Z", false)));
    assertTrue(killed.flaggedRightly(job("some-instance", "soak-real-7", "2026-01-01T10:00:00.040Z", false)),
        "a real worker is known by its service");
  }

  @Test
  void aFlagOnALiveWorkerIsAFalsePositive() {
    assertFalse(killed.flaggedRightly(job("instance-alive", "soak-sim-1", "2026-01-01T10:00:00.040Z", false)));
  }

  @Test
  void aFlagRaisedBeforeTheKillIsAFalsePositive() {
    assertFalse(killed.flaggedRightly(job("instance-killed", "soak-sim-1", "2026-01-01T09:59:30.000Z", false)));
  }

  @Test
  void aFlagTheWorkerContradictedIsAFalsePositive() {
    assertFalse(killed.flaggedRightly(job("instance-killed", "soak-sim-1", "2026-01-01T10:00:00.040Z", true)));
  }

  private static JsonNode job(String worker, String service, String flaggedAt, boolean recovered) {
    ObjectNode job = JSON.createObjectNode().put("id", "j").put("status", "CRASHED").put("worker", worker)
        .put("service", service).put("flaggedThenRecovered", recovered);
    job.putObject("flag").put("type", "CRASHED").put("flaggedAt", flaggedAt).put("detectionLatencyMs", 3);
    return job;
  }
}
