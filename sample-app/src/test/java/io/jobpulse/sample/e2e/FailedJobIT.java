package io.jobpulse.sample.e2e;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Brief test 2: a job that throws is shown FAILED with its exception; the app is unchanged; the
 * health view counts the failure under its category and signature.
 */
class FailedJobIT {

  /** What {@code ReportJob} throws for the sample app's default report, and how it is classified. */
  private static final String TYPE = "java.lang.IllegalStateException";
  private static final String MESSAGE = "report template missing: quarterly-2025";
  /** An IllegalStateException is a bug in the job, not a missing record or a transient fault. */
  private static final String CATEGORY = "code_defect";

  private static final Duration RUN = Duration.ofSeconds(60);
  private static final Duration SHOWN = Duration.ofSeconds(15);

  @RegisterExtension final ChildProcesses children = new ChildProcesses();
  @TempDir Path dataDir;

  @Test
  void failedJobShowsExceptionTypeAndMessageAndTheAppBehavesAsWithoutAgent() {
    CollectorProcess collector = children.startCollector(dataDir);

    AppProcess plain = children.app().args("fail").start();
    AppProcess app = children.app().withAgent(collector).args("fail").start();

    assertEquals(3, plain.awaitExit(RUN));
    assertEquals(3, app.awaitExit(RUN), app::stderr);
    assertEquals(plain.stdout(), app.stdout(), "the agent changed the app's output");

    JsonNode job = collector.api().awaitStatus(SampleJobs.REPORT, "FAILED", SHOWN);
    JsonNode error = job.path("error");
    assertEquals(TYPE, error.path("type").asText(), job::toString);
    assertEquals(MESSAGE, error.path("message").asText(), job::toString);
    assertEquals(CATEGORY, error.path("category").asText(), job::toString);
    assertEquals(SampleJobs.SERVICE_NAME, job.path("service").asText(), job::toString);

    // ?status= finds it, as an operator would look for it.
    List<JsonNode> failed = collector.api().jobs(Map.of("status", "FAILED"));
    assertEquals(
        List.of(job.path("id")),
        failed.stream().map(j -> j.path("id")).toList(),
        () -> "GET /api/jobs?status=FAILED: " + failed);

    // GET /api/health: the job name's day counts the failure, by category and by signature.
    JsonNode health = awaitHealth(collector.api(), SampleJobs.REPORT, SHOWN);
    assertEquals(1, health.path("counts").path("FAILED").asLong(), health::toString);
    assertEquals(0, health.path("counts").path("COMPLETED").asLong(), health::toString);
    assertEquals(1, health.path("errorCategories").path(CATEGORY).asLong(), health::toString);
    JsonNode topErrors = health.path("topErrors");
    assertEquals(1, topErrors.size(), health::toString);
    JsonNode top = topErrors.path(0);
    assertEquals(TYPE, top.path("type").asText(), health::toString);
    assertTrue(
        top.path("signature").asText().startsWith("IllegalStateException: report template missing"),
        health::toString);
    assertEquals(1, top.path("count").asLong(), health::toString);
  }

  /** Waits until {@code GET /api/health} has an entry for {@code name} with a failure in it; returns it. */
  private static JsonNode awaitHealth(JobPulseApi api, String name, Duration atMost) {
    AtomicReference<JsonNode> match = new AtomicReference<>();
    await("GET /api/health lists " + name + " with a failure")
        .atMost(atMost)
        .pollInterval(Duration.ofMillis(100))
        .untilAsserted(
            () -> {
              List<JsonNode> jobs = api.health();
              JsonNode entry =
                  jobs.stream()
                      .filter(j -> name.equals(j.path("name").asText()))
                      .findFirst()
                      .orElseThrow(() -> new AssertionError("no health entry named " + name + " in " + jobs));
              assertTrue(entry.path("counts").path("FAILED").asLong() >= 1, entry::toString);
              match.set(entry);
            });
    return match.get();
  }
}
