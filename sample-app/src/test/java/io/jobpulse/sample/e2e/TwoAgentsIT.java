package io.jobpulse.sample.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The app runs with the OpenTelemetry Java agent (exporting nothing) and JobPulse's agent in the
 * same JVM, as it would where tracing is already in place: each keeps to its own relocated
 * classes, the app's output is unchanged and its jobs are still followed to their end, or to
 * their death.
 */
class TwoAgentsIT {

  private static final Duration RUN = Duration.ofSeconds(90);
  /** The OpenTelemetry agent's start-up on a noisy machine: a bound, not a speed. */
  private static final Duration SHOWN = Duration.ofSeconds(60);
  private static final Duration FLAGGED = Duration.ofSeconds(15);

  @RegisterExtension static final ChildProcesses children = new ChildProcesses();
  @TempDir static Path dataDir;
  private static CollectorProcess collector;

  @BeforeAll
  static void startCollector() {
    collector = children.startCollector(dataDir);
  }

  @Test
  void appPrintsTheSameAndItsJobCompletesUnderBothAgents() {
    String[] args = {"quartz", "--firms", "8", "--delay-ms", "50", "--batch-id", "two-agents-1"};
    AppProcess plain = children.app().args(args).start();
    AppProcess app =
        children.app().withOpenTelemetryAgent().withAgent(collector).withLease().jobs(null).args(args).start();

    assertEquals(0, plain.awaitExit(RUN), plain::stderr);
    assertEquals(0, app.awaitExit(RUN), app::stderr);
    assertEquals(plain.stdout(), app.stdout(), "two agents changed the app's output");
    JsonNode job = collector.api().awaitStatus(SampleJobs.QUARTZ_JOB, "COMPLETED", SHOWN);
    assertEquals("enrichment.two-agents-1", job.path("businessId").asText(), job::toString);
  }

  @Test
  void killedWorkerIsCrashedUnderBothAgents() {
    AppProcess app =
        children.app().withOpenTelemetryAgent().withAgent(collector).withLease()
            .args("enrich", "--firms", "100000", "--delay-ms", "20", "--batch-id", "two-agents-2")
            .start();
    JobPulseApi api = collector.api();
    JsonNode running =
        api.awaitJob(SampleJobs.ENRICH, "status RUNNING and some progress",
            job -> "RUNNING".equals(job.path("status").asText())
                && job.path("progress").path("done").asLong() > 0,
            SHOWN);

    app.kill9();
    JsonNode crashed = api.awaitStatus(SampleJobs.ENRICH, "CRASHED", FLAGGED);
    assertEquals(running.path("id"), crashed.path("id"), "the same run");
    assertEquals("two-agents-2", crashed.path("businessId").asText(), crashed::toString);
    assertEquals("CRASHED", crashed.path("flag").path("type").asText(), crashed::toString);
  }
}
