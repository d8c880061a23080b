package io.jobpulse.sample.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.jobpulse.sample.jobrunr.JobRunrEnrichment;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Applications that run their jobs with db-scheduler (a one-time task on an H2 file database) or
 * JobRunr (in-memory storage, a background job server), under the agent with no {@code
 * jobpulse.jobs}: the presets name each run as the library does and take its id as business id;
 * a run that throws is FAILED with the job's own exception, a worker killed mid-run is CRASHED.
 * With the agent told to do nothing, and without it, the app prints the same.
 */
class MoreSchedulerPresetsIT {

  private static final Duration RUN = Duration.ofSeconds(60);
  private static final Duration SHOWN = Duration.ofSeconds(30);
  /** Generous on purpose (a noisy 2-core machine); CrashDetectionIT prints the real latency. */
  private static final Duration FLAGGED = Duration.ofSeconds(15);

  /** How each library names a run of batch B, and which of its ids is the business id. */
  enum Library {
    DB_SCHEDULER("db-scheduler", batchId -> "enrich-firms", batchId -> batchId),
    JOBRUNR(
        "jobrunr",
        batchId -> "Enrich batch " + batchId,
        batchId -> JobRunrEnrichment.jobId(batchId).toString());

    final String scenario;
    final UnaryOperator<String> jobName;
    final UnaryOperator<String> businessId;

    Library(String scenario, UnaryOperator<String> jobName, UnaryOperator<String> businessId) {
      this.scenario = scenario;
      this.jobName = jobName;
      this.businessId = businessId;
    }

    String batchId(String test) {
      return scenario + "-" + test;
    }

    String[] args(String batchId, int firms, int delayMs, String outcome) {
      return new String[] {scenario, "--firms", "" + firms, "--delay-ms", "" + delayMs,
          "--batch-id", batchId, "--outcome", outcome};
    }
  }

  @RegisterExtension static final ChildProcesses children = new ChildProcesses();
  @TempDir static Path dataDir;
  private static CollectorProcess collector;

  @BeforeAll
  static void startCollector() {
    collector = children.startCollector(dataDir);
  }

  @ParameterizedTest
  @EnumSource(Library.class)
  void jobIsNamedByItsLibraryAndTheAppPrintsTheSameWithAndWithoutAgent(Library library) {
    String batchId = library.batchId("ok");
    String[] args = library.args(batchId, 10, 100, "ok");
    AppProcess plain = children.app().args(args).start();
    AppProcess disabled = children.app().withAgent(collector).agentDisabled().args(args).start();
    AppProcess app = presetsOnly().args(args).start();

    assertEquals(0, plain.awaitExit(RUN), plain::stderr);
    assertEquals(0, disabled.awaitExit(RUN), disabled::stderr);
    assertEquals(0, app.awaitExit(RUN), app::stderr);
    assertTrue(plain.stdout().endsWith("enriched 10 firms\n"), plain::stdout);
    assertEquals(plain.stdout(), disabled.stdout(), "-Djobpulse.enabled=false changed the app's output");
    assertEquals(plain.stdout(), app.stdout(), "the agent changed the app's output");

    JsonNode job = awaitRun(library, batchId, "COMPLETED", SHOWN);
    assertEquals(SampleJobs.SERVICE_NAME, job.path("service").asText(), job::toString);
    List<JsonNode> runs = runsOf(library, batchId);
    assertEquals(1, runs.size(), () -> "one run reported, none by the disabled agent: " + runs);
  }

  @ParameterizedTest
  @EnumSource(Library.class)
  void jobThatThrowsIsFailedWithItsOwnExceptionAndTheAppBehavesAsWithoutAgent(Library library) {
    String batchId = library.batchId("rejected");
    String[] args = library.args(batchId, 3, 50, "fail");
    AppProcess plain = children.app().args(args).start();
    AppProcess app = presetsOnly().args(args).start();

    assertEquals(3, plain.awaitExit(RUN), plain::stderr);
    assertEquals(3, app.awaitExit(RUN), app::stderr);
    assertEquals(plain.stdout(), app.stdout(), "the agent changed the app's output");

    JsonNode job = awaitRun(library, batchId, "FAILED", SHOWN);
    JsonNode error = job.path("error");
    // The job's own exception, not the library's wrapper (JobRunr invokes jobs reflectively).
    assertEquals("java.lang.IllegalStateException", error.path("type").asText(), job::toString);
    assertEquals("registry rejected the results of batch " + batchId,
        error.path("message").asText(), job::toString);
  }

  @ParameterizedTest
  @EnumSource(Library.class)
  void workerKilledMidJobIsCrashed(Library library, @TempDir Path appTemp) {
    String batchId = library.batchId("killed");
    AppProcess app =
        presetsOnly()
            // The killed app cannot remove its H2 database: keep it where JUnit cleans up.
            .jvmOption("-Djava.io.tmpdir=" + appTemp)
            .args(library.args(batchId, 100_000, 20, "ok"))
            .start();
    JsonNode running = awaitRun(library, batchId, "RUNNING", SHOWN);

    app.kill9();
    JsonNode crashed = awaitRun(library, batchId, "CRASHED", FLAGGED);
    assertEquals(running.path("id"), crashed.path("id"), "the same run");
    assertEquals("CRASHED", crashed.path("flag").path("type").asText(), crashed::toString);
  }

  /**
   * Two workers on one db-scheduler database: the first is killed while it runs batch B, the
   * second schedules nothing, db-scheduler revives the dead execution on it, and the collector
   * sees that as attempt 2 of the crashed run.
   */
  @Test
  void dbSchedulerRevivingAKilledWorkersTaskIsTheSecondAttemptOfTheCrashedRun(@TempDir Path appTemp) {
    Library library = Library.DB_SCHEDULER;
    String batchId = library.batchId("revived");
    String database = appTemp.resolve("scheduler").toString();
    AppProcess first = presetsOnly()
        .args(withDatabase(library.args(batchId, 100_000, 20, "ok"), database))
        .start();
    JsonNode running = awaitRun(library, batchId, "RUNNING", SHOWN);
    assertEquals(1, running.path("attempt").asLong(), running::toString);

    first.kill9();
    JsonNode crashed = awaitRun(library, batchId, "CRASHED", FLAGGED);
    assertEquals(running.path("id"), crashed.path("id"), "the same run");

    AppProcess second = presetsOnly()
        .args(withDatabase(library.args(batchId, 10, 50, "ok"), database))
        .start();
    assertEquals(0, second.awaitExit(RUN), second::stderr);
    assertTrue(second.stdout().endsWith("enriched 10 firms\n"), second::stdout);
    JsonNode revived = awaitRun(library, batchId, "COMPLETED", SHOWN);
    assertEquals(2, revived.path("attempt").asLong(), revived::toString);
    assertEquals(crashed.path("id").asText(), revived.path("previousAttemptId").asText(),
        revived::toString);
    List<JsonNode> runs = runsOf(library, batchId);
    assertEquals(2, runs.size(), () -> "the crashed run and its revival: " + runs);
  }

  private static String[] withDatabase(String[] args, String database) {
    String[] withDatabase = Arrays.copyOf(args, args.length + 2);
    withDatabase[args.length] = "--db";
    withDatabase[args.length + 1] = database;
    return withDatabase;
  }

  /** Under the agent with neither {@code jobpulse.jobs} nor {@code jobpulse.items}: the presets alone. */
  private static AppProcess.Builder presetsOnly() {
    return children.app().withAgent(collector).jobs(null).items(null);
  }

  /** The run of this batch, by the library's name and id, once it has {@code status}. */
  private static JsonNode awaitRun(Library library, String batchId, String status, Duration atMost) {
    String businessId = library.businessId.apply(batchId);
    return collector.api().awaitListed(
        Map.of("name", library.jobName.apply(batchId)),
        "business id " + businessId + " and status " + status,
        job -> businessId.equals(job.path("businessId").asText())
            && status.equals(job.path("status").asText()),
        atMost);
  }

  private static List<JsonNode> runsOf(Library library, String batchId) {
    String businessId = library.businessId.apply(batchId);
    return collector.api().jobs(Map.of("name", library.jobName.apply(batchId))).stream()
        .filter(job -> businessId.equals(job.path("businessId").asText()))
        .toList();
  }
}
