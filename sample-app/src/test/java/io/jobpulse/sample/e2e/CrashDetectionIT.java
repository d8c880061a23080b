package io.jobpulse.sample.e2e;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.jobpulse.contract.ConfigKeys;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Brief test 3 (and 7): the worker JVM is killed with {@code kill -9} in the middle of a batch
 * (killed-worker-9-days.md). The job must be flagged CRASHED within the heartbeat timeout plus a
 * generous margin, not stay RUNNING for ever; with the default lease, by the lease closing alone.
 */
class CrashDetectionIT {

  /** Generous on purpose: the tests run on a noisy 2-core machine; the latency is printed. */
  private static final Duration FLAGGED = Duration.ofSeconds(15);
  private static final Duration SHOWN = Duration.ofSeconds(30);

  /** The lease test's heartbeat interval: 3 misses take 180 s, far beyond {@link #LEASE_BOUND}. */
  private static final long LEASE_TEST_INTERVAL_SECONDS = 60;
  /** How long the lease test waits for CRASHED after the kill; only the lease can make it. */
  private static final Duration LEASE_BOUND = Duration.ofSeconds(30);
  /** The collector's flag reason for a lease that closed without {@code BYE} (LeaseHandler). */
  private static final String LEASE_CLOSED_WITHOUT_GOODBYE = "lease connection closed without goodbye";

  @RegisterExtension final ChildProcesses children = new ChildProcesses();
  @TempDir Path dataDir;

  @ParameterizedTest(name = "app on {0}, heartbeats only")
  @EnumSource(JavaRuntime.class)
  void killedWorkerIsFlaggedCrashedByMissedHeartbeats(JavaRuntime runtime) {
    Path java = runtime.javaOrSkip();
    CollectorProcess collector = children.startCollector(dataDir);
    AppProcess app = children.app().java(java).withAgent(collector).args(longEnrichment()).start();

    killAndExpectCrashed(collector, app, "heartbeats only, " + runtime);
  }

  /**
   * The lease alone must catch the {@code kill -9}: the worker advertises a heartbeat interval so
   * long that the heartbeat rule ({@value #LEASE_TEST_INTERVAL_SECONDS} s × {@link
   * CollectorProcess#HEARTBEAT_MISSES} misses) cannot flag it within {@link #LEASE_BOUND}, and the
   * flag must name the lease closing as its evidence. Nothing here waits for periodic heartbeats:
   * the run is seen through its {@code jobpulse.job.start} span and the lease through the API.
   * No speed is asserted beyond that bound, which is far from the lease's sub-second detection.
   */
  @Test
  void killedWorkerIsFlaggedCrashedWithTheDefaultLease() {
    CollectorProcess collector = children.startCollector(dataDir);
    JobPulseApi api = collector.api();
    AppProcess app =
        children.app().withAgent(collector).withLease()
            // After the builder's own interval on the command line: the last -D wins.
            .jvmOption("-D" + ConfigKeys.HEARTBEAT_INTERVAL + "=" + LEASE_TEST_INTERVAL_SECONDS + "s")
            .args(longEnrichment())
            .start();

    // Alive before the kill: announced RUNNING (the start span, exported within 200 ms whatever
    // the heartbeat interval), its lease open, and the long interval in force at the collector
    // (advertised by the agent's first heartbeat, sent when it starts).
    JsonNode running = api.awaitStatus(SampleJobs.ENRICH, "RUNNING", SHOWN);
    assertTrue(running.path("flag").isNull(), running::toString);
    String workerId = running.path("worker").asText();
    assertFalse(workerId.isBlank(), running::toString);
    long intervalMs = Duration.ofSeconds(LEASE_TEST_INTERVAL_SECONDS).toMillis();
    awaitWorker(api, workerId, "ALIVE, lease connected, intervalMs " + intervalMs,
        worker -> "ALIVE".equals(worker.path("state").asText())
            && "connected".equals(worker.path("lease").asText())
            && worker.path("intervalMs").asLong() == intervalMs);
    assertTrue(intervalMs * CollectorProcess.HEARTBEAT_MISSES > 2 * LEASE_BOUND.toMillis(),
        "the heartbeat rule must be far out of the bound's reach");

    Instant killedAt = Instant.now();
    app.kill9();
    JsonNode crashed = api.awaitStatus(SampleJobs.ENRICH, "CRASHED", LEASE_BOUND);
    Duration observed = Duration.between(killedAt, Instant.now());

    // The evidence is the lease closing, not a silence.
    JsonNode flag = crashed.path("flag");
    assertEquals("CRASHED", flag.path("type").asText(), crashed::toString);
    assertEquals(LEASE_CLOSED_WITHOUT_GOODBYE, flag.path("reason").asText(), crashed::toString);
    assertEquals(running.path("id"), crashed.path("id"), "the same run");
    assertEquals(workerId, crashed.path("worker").asText(), crashed::toString);
    assertEquals("330001", crashed.path("businessId").asText(), crashed::toString);
    assertTrue(crashed.path("progress").path("done").asLong() < 100000, crashed::toString);
    Instant flaggedAt = Instant.parse(flag.path("flaggedAt").asText());
    assertFalse(flaggedAt.isBefore(Instant.parse(running.path("startedAt").asText())), crashed::toString);
    assertTrue(flag.path("detectionLatencyMs").isIntegralNumber(), crashed::toString);
    long latencyMs = flag.path("detectionLatencyMs").asLong();
    assertTrue(latencyMs >= 0, crashed::toString);

    // The worker is dead, its lease closed (declared in the same step that flagged the run).
    JsonNode worker = worker(api, workerId)
        .orElseThrow(() -> new AssertionError("worker " + workerId + " not in " + api.workers()));
    assertEquals("DEAD", worker.path("state").asText(), worker::toString);
    assertEquals("closed", worker.path("lease").asText(), worker::toString);

    List<JsonNode> listed = api.jobs(Map.of("status", "CRASHED"));
    assertEquals(
        List.of(crashed.path("id")),
        listed.stream().map(j -> j.path("id")).toList(),
        () -> "GET /api/jobs?status=CRASHED: " + listed);
    System.out.printf(
        "CRASHED (default lease): seen by the test %d ms after kill -9; collector's "
            + "detectionLatencyMs=%d (heartbeat timeout %d ms)%n",
        observed.toMillis(), latencyMs, intervalMs * CollectorProcess.HEARTBEAT_MISSES);
  }

  /**
   * The batch is run again after its worker was killed, as a queue retries it: the new run is
   * attempt 2 of the same business id and links to the crashed attempt 1.
   */
  @Test
  void crashedBatchRunAgainIsTheSecondAttemptLinkedToTheFirst() {
    CollectorProcess collector = children.startCollector(dataDir);
    JobPulseApi api = collector.api();
    AppProcess first = children.app().withAgent(collector).withLease().args(longEnrichment()).start();
    JsonNode running = api.awaitStatus(SampleJobs.ENRICH, "RUNNING", SHOWN);
    first.kill9();
    JsonNode crashed = api.awaitStatus(SampleJobs.ENRICH, "CRASHED", FLAGGED);
    assertEquals(running.path("id"), crashed.path("id"), "the same run");
    assertEquals(1, crashed.path("attempt").asLong(), crashed::toString);

    children.app().withAgent(collector).withLease().args(longEnrichment()).start();
    JsonNode retry =
        api.awaitJob(SampleJobs.ENRICH, "a new RUNNING run",
            job -> "RUNNING".equals(job.path("status").asText())
                && !job.path("id").equals(crashed.path("id")),
            SHOWN);

    assertEquals("330001", retry.path("businessId").asText(), retry::toString);
    assertEquals(2, retry.path("attempt").asLong(), retry::toString);
    assertEquals(crashed.path("id").asText(), retry.path("previousAttemptId").asText(), retry::toString);
    assertEquals("CRASHED", api.jobDetail(crashed.path("id").asText()).path("status").asText(),
        "the first attempt stays CRASHED");
  }

  static String[] longEnrichment() {
    return new String[] {"enrich", "--firms", "100000", "--delay-ms", "20", "--batch-id", "330001"};
  }

  private static void killAndExpectCrashed(CollectorProcess collector, AppProcess app, String setup) {
    JobPulseApi api = collector.api();
    // Progress reported means heartbeats flow: the worker was seen alive before it died.
    JsonNode running =
        api.awaitJob(
            SampleJobs.ENRICH,
            "status RUNNING and some progress",
            job -> "RUNNING".equals(job.path("status").asText())
                && job.path("progress").path("done").asLong() > 0,
            SHOWN);
    assertTrue(running.path("flag").isNull(), running::toString);

    Instant killedAt = Instant.now();
    app.kill9();
    JsonNode crashed = api.awaitStatus(SampleJobs.ENRICH, "CRASHED", FLAGGED);
    Duration observed = Duration.between(killedAt, Instant.now());

    JsonNode flag = crashed.path("flag");
    assertEquals("CRASHED", flag.path("type").asText(), crashed::toString);
    assertFalse(flag.path("reason").asText().isBlank(), crashed::toString);
    Instant flaggedAt = Instant.parse(flag.path("flaggedAt").asText());
    assertFalse(flaggedAt.isBefore(Instant.parse(running.path("startedAt").asText())), crashed::toString);
    assertTrue(flag.path("detectionLatencyMs").isIntegralNumber(), crashed::toString);
    long latencyMs = flag.path("detectionLatencyMs").asLong();
    assertTrue(latencyMs >= 0 && latencyMs <= FLAGGED.toMillis(), crashed::toString);
    System.out.printf(
        "CRASHED (%s): seen by the test %d ms after kill -9; collector's detectionLatencyMs=%d "
            + "(heartbeat timeout %d ms)%n",
        setup, observed.toMillis(), latencyMs, SampleJobs.HEARTBEAT_TIMEOUT.toMillis());

    // The picture the incident lacked: where the batch stopped, and that it will not move.
    assertEquals(running.path("id"), crashed.path("id"), "the same run");
    assertEquals("330001", crashed.path("businessId").asText(), crashed::toString);
    long done = crashed.path("progress").path("done").asLong();
    assertTrue(done > 0 && done < 100000, crashed::toString);

    List<JsonNode> listed = api.jobs(Map.of("status", "CRASHED"));
    assertEquals(
        List.of(crashed.path("id")),
        listed.stream().map(j -> j.path("id")).toList(),
        () -> "GET /api/jobs?status=CRASHED: " + listed);
  }

  private static Optional<JsonNode> worker(JobPulseApi api, String workerId) {
    for (JsonNode worker : api.workers().path("workers")) {
      if (workerId.equals(worker.path("id").asText())) {
        return Optional.of(worker);
      }
    }
    return Optional.empty();
  }

  private static void awaitWorker(JobPulseApi api, String workerId, String condition, Predicate<JsonNode> test) {
    await("worker " + workerId + " " + condition)
        .atMost(SHOWN)
        .pollInterval(Duration.ofMillis(100))
        .untilAsserted(() -> {
          JsonNode worker = worker(api, workerId).orElse(null);
          assertTrue(worker != null && test.test(worker), () -> "expected " + condition + ", got " + worker);
        });
  }
}
