package io.jobpulse.sample.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The sample app on its own, no agent: the behaviour the agent must leave unchanged. */
class SampleAppIT {

  private static final Duration RUN = Duration.ofSeconds(60);

  @RegisterExtension final ChildProcesses children = new ChildProcesses();

  @Test
  void enrichPrintsDeterministicProgressAndExitsZero() {
    AppProcess app =
        children.app().args("enrich", "--firms", "4", "--delay-ms", "1", "--batch-id", "b-7").start();

    assertEquals(0, app.awaitExit(RUN));
    assertEquals(
        "enriching 4 firms in batch b-7\n"
            + "batch b-7: 1/4 firms enriched\n"
            + "batch b-7: 2/4 firms enriched\n"
            + "batch b-7: 3/4 firms enriched\n"
            + "batch b-7: 4/4 firms enriched\n"
            + "enriched 4 firms\n",
        app.stdout());
  }

  @Test
  void failPrintsTheExceptionAndExitsThree() {
    AppProcess app = children.app().args("fail").start();

    assertEquals(3, app.awaitExit(RUN));
    assertEquals(
        "generating report quarterly-2025\n"
            + "job failed: java.lang.IllegalStateException: report template missing: quarterly-2025\n",
        app.stdout());
  }

  @Test
  void exitAfterEndsTheJvmWhileTheJobStillRuns() {
    AppProcess app =
        children.app()
            .args("enrich", "--firms", "100000", "--delay-ms", "20", "--exit-after-ms", "300")
            .start();

    assertEquals(0, app.awaitExit(RUN));
    assertTrue(
        app.stdout().endsWith("exiting after 300 ms while the job still runs\n"), app.stdout());
  }

  @Test
  void hangWaitsUntilTheJvmIsShutDown() {
    AppProcess app = children.app().args("hang", "--exit-after-ms", "500").start();

    assertEquals(0, app.awaitExit(RUN));
    assertEquals(
        "importing the partner file\nexiting after 500 ms while the job still runs\n",
        app.stdout());
  }

  @Test
  void badUsageGetsAClearErrorAndExitTwo() {
    AppProcess app = children.app().args("enrich", "--firms", "many").start();

    assertEquals(2, app.awaitExit(RUN));
    assertTrue(app.stderr().contains("--firms must be a whole number: many"), app.stderr());
    assertEquals("", app.stdout());
  }
}
