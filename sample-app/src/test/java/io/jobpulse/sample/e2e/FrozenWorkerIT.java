package io.jobpulse.sample.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * A frozen JVM ({@code kill -STOP}: a long GC pause, a suspended container) sends nothing, so
 * its job is flagged CRASHED. When it thaws and the job ends after all, the late end is
 * reconciled: the status is what the end says, the flag is kept, {@code flaggedThenRecovered}.
 */
class FrozenWorkerIT {

  private static final int FIRMS = 300;
  private static final Duration FLAGGED = Duration.ofSeconds(15);
  private static final Duration SHOWN = Duration.ofSeconds(30);
  private static final Duration RUN = Duration.ofSeconds(60);

  @RegisterExtension final ChildProcesses children = new ChildProcesses();
  @TempDir Path dataDir;

  @Test
  void frozenWorkerIsFlaggedAndItsLateEndReconciled() {
    CollectorProcess collector = children.startCollector(dataDir);
    AppProcess app =
        children.app().withAgent(collector).withLease()
            .args("enrich", "--firms", "" + FIRMS, "--delay-ms", "20", "--batch-id", "frozen-1")
            .start();
    JobPulseApi api = collector.api();
    api.awaitJob(
        SampleJobs.ENRICH,
        "status RUNNING and some progress",
        job -> "RUNNING".equals(job.path("status").asText())
            && job.path("progress").path("done").asLong() > 0,
        SHOWN);

    app.freeze();
    JsonNode crashed = api.awaitStatus(SampleJobs.ENRICH, "CRASHED", FLAGGED);
    app.thaw();

    assertEquals(0, app.awaitExit(RUN), app::stderr);
    JsonNode job = api.awaitStatus(SampleJobs.ENRICH, "COMPLETED", SHOWN);
    assertEquals(crashed.path("id"), job.path("id"), "the same run");
    assertTrue(job.path("flaggedThenRecovered").asBoolean(), job::toString);
    assertEquals("CRASHED", job.path("flag").path("type").asText(), job::toString);
    assertEquals(FIRMS, job.path("progress").path("done").asLong(), job::toString);
  }
}
