package io.jobpulse.sample.e2e;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Brief test 5: the collector is stopped and restarted on the same data directory. Every job is
 * still there as it was, and a worker that lived through the restart is not flagged for the
 * collector's own downtime; once the worker really dies, the restarted collector does flag it.
 */
class CollectorRestartIT {

  private static final Duration RUN = Duration.ofSeconds(60);
  private static final Duration SHOWN = Duration.ofSeconds(15);
  /** Watch past the heartbeat timeout, with a margin for the detector's own period. */
  private static final Duration WATCH = SampleJobs.HEARTBEAT_TIMEOUT.multipliedBy(2).plusSeconds(1);
  /** The contract's fields of a job that no restart may change. */
  private static final List<String> STABLE_FIELDS =
      List.of("id", "name", "businessId", "status", "flag", "service", "worker", "attempt",
          "parentId", "startedAt", "endedAt", "error", "flaggedThenRecovered");
  /** Fields that move while a job runs, and must not once it ended. */
  private static final List<String> FINAL_FIELDS = List.of("durationMs", "progress", "lastSeenAt");

  @RegisterExtension final ChildProcesses children = new ChildProcesses();
  @TempDir Path dataDir;

  @Test
  void jobsSurviveARestartAndALiveWorkerIsNotFlaggedForTheDowntime() {
    CollectorProcess collector =
        children.startCollector(dataDir, FreePorts.pick(), FreePorts.pick());
    JobPulseApi api = collector.api();

    AppProcess completed =
        children.app().withAgent(collector)
            .args("enrich", "--firms", "10", "--delay-ms", "50", "--batch-id", "done-1").start();
    AppProcess failed = children.app().withAgent(collector).args("fail").start();
    AppProcess live =
        children.app().withAgent(collector).args(CrashDetectionIT.longEnrichment()).start();
    assertEquals(0, completed.awaitExit(RUN), completed::stderr);
    assertEquals(3, failed.awaitExit(RUN), failed::stderr);
    api.awaitStatus(SampleJobs.REPORT, "FAILED", SHOWN);
    await("the completed and the running enrichment")
        .atMost(SHOWN)
        .until(() -> statusesByBusinessId(api.jobs()),
            statuses -> "COMPLETED".equals(statuses.get("done-1"))
                && "RUNNING".equals(statuses.get("330001")));
    Map<String, JsonNode> before = byId(api.jobs());

    Instant stoppingAt = Instant.now();
    CollectorProcess restarted = collector.restart();
    assertEquals(collector.otlpPort(), restarted.otlpPort());
    assertEquals(collector.httpPort(), restarted.httpPort());
    assertEquals(collector.reportedDataDir(), restarted.reportedDataDir());
    Instant restartedAt = Instant.now();
    System.out.printf("collector stopped at %s, serving again at %s%n", stoppingAt, restartedAt);

    Map<String, JsonNode> after = byId(api.jobs());
    assertEquals(before.keySet(), after.keySet(), "the same jobs after the restart");
    before.forEach(
        (id, job) -> assertEquals(stableView(job), stableView(after.get(id)), id));

    // The worker lived through the restart: its job stays RUNNING, unflagged, past a whole
    // heartbeat timeout, while its heartbeats reach the new collector.
    String liveId = idOf(after, "330001");
    await("the live job RUNNING and unflagged past the heartbeat timeout")
        .during(WATCH)
        .atMost(WATCH.plus(SHOWN))
        .until(() -> api.job(liveId), CollectorRestartIT::runningUnflagged);
    await("a heartbeat received by the restarted collector")
        .atMost(SHOWN)
        .until(() -> Instant.parse(detail(api.job(liveId)).path("lastSeenAt").asText()),
            lastSeen -> lastSeen.isAfter(restartedAt));

    // The detector is live again: a real death is still caught.
    live.kill9();
    await("the live job CRASHED once its worker is killed")
        .atMost(SHOWN)
        .until(() -> detail(api.job(liveId)).path("status").asText(), "CRASHED"::equals);
  }

  private static boolean runningUnflagged(JsonNode detail) {
    JsonNode job = detail(detail);
    return "RUNNING".equals(job.path("status").asText()) && job.path("flag").isNull();
  }

  /** The job in a {@code GET /api/jobs/{id}} answer, whether at the top or under "job". */
  private static JsonNode detail(JsonNode answer) {
    return answer.has("job") ? answer.get("job") : answer;
  }

  private static Map<String, JsonNode> byId(List<JsonNode> jobs) {
    return jobs.stream().collect(Collectors.toMap(j -> j.path("id").asText(), Function.identity()));
  }

  private static Map<String, String> statusesByBusinessId(List<JsonNode> jobs) {
    return jobs.stream()
        .filter(j -> j.hasNonNull("businessId"))
        .collect(Collectors.toMap(j -> j.path("businessId").asText(), j -> j.path("status").asText(),
            (a, b) -> a));
  }

  private static String idOf(Map<String, JsonNode> jobs, String businessId) {
    return jobs.values().stream()
        .filter(j -> businessId.equals(j.path("businessId").asText()))
        .map(j -> j.path("id").asText())
        .findFirst()
        .orElseThrow(() -> new AssertionError("no job " + businessId + " in " + jobs.values()));
  }

  private static JsonNode stableView(JsonNode job) {
    ObjectNode view = JsonNodeFactory.instance.objectNode();
    STABLE_FIELDS.forEach(field -> view.set(field, job.path(field)));
    if (!"RUNNING".equals(job.path("status").asText())) {
      FINAL_FIELDS.forEach(field -> view.set(field, job.path(field)));
    }
    return view;
  }
}
