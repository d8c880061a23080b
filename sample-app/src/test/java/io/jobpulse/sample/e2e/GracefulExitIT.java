package io.jobpulse.sample.e2e;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Brief test 4: the JVM exits in an orderly way ({@code System.exit}) while a job runs. The job
 * is ABANDONED, and never taken for a crash, not even once the heartbeat timeout has passed.
 */
class GracefulExitIT {

  private static final Duration RUN = Duration.ofSeconds(60);
  private static final Duration SHOWN = Duration.ofSeconds(15);
  /** Watch past the heartbeat timeout, with a margin for the detector's own period. */
  private static final Duration WATCH = SampleJobs.HEARTBEAT_TIMEOUT.multipliedBy(2).plusSeconds(1);

  @RegisterExtension final ChildProcesses children = new ChildProcesses();
  @TempDir Path dataDir;

  @ParameterizedTest(name = "lease on: {0}")
  @ValueSource(booleans = {false, true})
  void jobRunningAtGracefulExitIsAbandonedNeverCrashed(boolean lease) {
    CollectorProcess collector = children.startCollector(dataDir);
    AppProcess.Builder builder =
        children.app()
            .withAgent(collector)
            .args("enrich", "--firms", "100000", "--delay-ms", "20", "--batch-id", "deploy-42",
                "--exit-after-ms", "2000");
    AppProcess app = (lease ? builder.withLease() : builder).start();

    assertEquals(0, app.awaitExit(RUN), app::stderr);
    assertTrue(app.stdout().endsWith("exiting after 2000 ms while the job still runs\n"), app::stdout);

    JobPulseApi api = collector.api();
    Set<String> seen = ConcurrentHashMap.newKeySet();
    await("the job ABANDONED")
        .atMost(SHOWN)
        .until(() -> observeStatus(api, seen), "ABANDONED"::equals);
    await("the job staying ABANDONED past the heartbeat timeout")
        .during(WATCH)
        .atMost(WATCH.plus(SHOWN))
        .until(() -> observeStatus(api, seen), "ABANDONED"::equals);
    assertFalse(seen.contains("CRASHED"), () -> "statuses seen after the exit: " + seen);

    JsonNode job = api.newestJob(SampleJobs.ENRICH).orElseThrow();
    assertEquals("deploy-42", job.path("businessId").asText(), job::toString);
    // A terminal flag keeps its detail in "flag" (DESIGN.md, job states and flags).
    assertEquals("ABANDONED", job.path("flag").path("type").asText(), job::toString);
  }

  /** The newest enrichment job's status ("-" while none is listed), remembered in {@code seen}. */
  private static String observeStatus(JobPulseApi api, Set<String> seen) {
    String status =
        api.newestJob(SampleJobs.ENRICH).map(job -> job.path("status").asText()).orElse("-");
    seen.add(status);
    return status;
  }
}
