package io.jobpulse.sample.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** Brief test 2: a job that throws is shown FAILED with its exception; the app is unchanged. */
class FailedJobIT {

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
    assertEquals("java.lang.IllegalStateException", error.path("type").asText(), job::toString);
    assertEquals("report template missing: quarterly-2025", error.path("message").asText(), job::toString);
    assertFalse(error.path("category").asText().isEmpty(), job::toString);
    assertEquals(SampleJobs.SERVICE_NAME, job.path("service").asText(), job::toString);

    // ?status= finds it, as an operator would look for it.
    List<JsonNode> failed = collector.api().jobs(Map.of("status", "FAILED"));
    assertEquals(
        List.of(job.path("id")),
        failed.stream().map(j -> j.path("id")).toList(),
        () -> "GET /api/jobs?status=FAILED: " + failed);
  }
}
