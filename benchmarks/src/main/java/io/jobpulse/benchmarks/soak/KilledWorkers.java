package io.jobpulse.benchmarks.soak;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The workers the soak killed, and the judgement built on them: a run flagged {@code CRASHED} or
 * {@code LOST} is right only if its worker was killed before the flag. Thread-safe.
 */
final class KilledWorkers {

  /** A flag raised this long before the kill was recorded still counts as the kill's (the kill is recorded after the signal). */
  private static final long SLACK_MS = 1_000;

  private final Map<String, Kill> byWorker = new ConcurrentHashMap<>();

  void add(Kill kill) {
    byWorker.put(kill.worker(), kill);
  }

  /**
   * Whether the flagged run {@code job} (as {@code GET /api/jobs} shows it) was flagged rightly:
   * its worker (simulated: {@code worker}, the instance id; real: {@code service}) was killed, the
   * flag came after the kill, and no later word from the worker contradicted it.
   */
  boolean flaggedRightly(JsonNode job) {
    Kill kill = byWorker.get(job.path("worker").asText());
    if (kill == null) {
      kill = byWorker.get(job.path("service").asText());
    }
    if (kill == null || job.path("flaggedThenRecovered").asBoolean(false)) {
      return false;
    }
    Instant flaggedAt = Instant.parse(job.path("flag").path("flaggedAt").asText());
    return !flaggedAt.isBefore(kill.killedAt().minusMillis(SLACK_MS));
  }
}
