package io.jobpulse.sample.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Brief test 1 (and 7): a job that completes is shown COMPLETED with what a user needs to see. */
class CompletedJobIT {

  private static final int FIRMS = 12;
  private static final int DELAY_MS = 40;
  private static final Duration RUN = Duration.ofSeconds(60);
  private static final Duration SHOWN = Duration.ofSeconds(15);

  @RegisterExtension final ChildProcesses children = new ChildProcesses();
  @TempDir Path dataDir;

  @ParameterizedTest(name = "app on {0}")
  @EnumSource(JavaRuntime.class)
  void completedJobShowsNameDurationProgressAndBusinessId(JavaRuntime runtime) {
    Path java = runtime.javaOrSkip();
    CollectorProcess collector = children.startCollector(dataDir);
    String[] args = {"enrich", "--firms", "" + FIRMS, "--delay-ms", "" + DELAY_MS, "--batch-id", "330001"};

    AppProcess plain = children.app().java(java).args(args).start();
    AppProcess app = children.app().java(java).withAgent(collector).args(args).start();

    assertEquals(0, plain.awaitExit(RUN));
    assertEquals(0, app.awaitExit(RUN), app::stderr);
    assertEquals(plain.stdout(), app.stdout(), "the agent changed the app's output");

    JsonNode job = collector.api().awaitStatus(SampleJobs.ENRICH, "COMPLETED", SHOWN);
    assertEquals(SampleJobs.ENRICH, job.path("name").asText(), job::toString);
    assertEquals("330001", job.path("businessId").asText(), job::toString);
    assertEquals(SampleJobs.SERVICE_NAME, job.path("service").asText(), job::toString);
    assertEquals(FIRMS, job.path("progress").path("done").asLong(-1), job::toString);
    assertEquals(FIRMS, job.path("progress").path("total").asLong(-1), job::toString);
    assertEquals(1, job.path("attempt").asLong(-1), job::toString);
    assertTrue(job.path("flag").isNull(), job::toString);
    assertTrue(job.path("parentId").isNull(), job::toString);
    assertFalse(job.path("flaggedThenRecovered").asBoolean(), job::toString);
    // The job slept FIRMS x DELAY_MS; a lower bound on work done, not a speed check.
    // A millisecond of slack on each end for times rounded to milliseconds.
    long durationMs = job.path("durationMs").asLong(-1);
    assertTrue(durationMs >= FIRMS * DELAY_MS - 2, () -> "durationMs " + durationMs + " in " + job);
    Instant startedAt = Instant.parse(job.path("startedAt").asText());
    Instant endedAt = Instant.parse(job.path("endedAt").asText());
    assertEquals(durationMs, Duration.between(startedAt, endedAt).toMillis(), 2, job::toString);

    String id = job.path("id").asText();
    // The contract leaves open whether the job's fields are at the top or under "job" (beside
    // its history); either way they are the job's.
    JsonNode detail = collector.api().job(id);
    JsonNode single = detail.has("job") ? detail.get("job") : detail;
    assertEquals(id, single.path("id").asText(), single::toString);
    assertEquals("COMPLETED", single.path("status").asText(), single::toString);
  }
}
