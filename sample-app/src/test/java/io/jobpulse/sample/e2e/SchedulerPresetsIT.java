package io.jobpulse.sample.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Applications that schedule their jobs with a real library, Quartz or Spring {@code @Scheduled},
 * under the agent with no {@code jobpulse.jobs} at all: the presets find the jobs, named after the
 * application's own class and method (and, for Quartz, its job key as business id). With the agent
 * told to do nothing, and without it, the app prints the same.
 */
class SchedulerPresetsIT {

  private static final int FIRMS = 10;
  private static final Duration RUN = Duration.ofSeconds(60);
  private static final Duration SHOWN = Duration.ofSeconds(15);

  @RegisterExtension static final ChildProcesses children = new ChildProcesses();
  @TempDir static Path dataDir;
  private static CollectorProcess collector;

  @BeforeAll
  static void startCollector() {
    collector = children.startCollector(dataDir);
  }

  /** {@code businessId} "-" where the library knows none (Spring's scheduled methods take no argument). */
  @ParameterizedTest(name = "{0}")
  @CsvSource({
    "quartz, io.jobpulse.sample.quartz.EnrichmentQuartzJob#execute, q-330001, enrichment.q-330001",
    "spring, io.jobpulse.sample.spring.ScheduledEnrichment#enrichFirms, s-330001, -",
  })
  void scheduledJobIsFoundByThePresetsAndTheAppPrintsTheSameWithAndWithoutAgent(
      String scenario, String jobName, String batchId, String businessId) {
    String[] args = {scenario, "--firms", "" + FIRMS, "--delay-ms", "100", "--batch-id", batchId};
    AppProcess plain = children.app().args(args).start();
    AppProcess disabled = children.app().withAgent(collector).agentDisabled().args(args).start();
    AppProcess app = children.app().withAgent(collector).jobs(null).items(null).args(args).start();

    assertEquals(0, plain.awaitExit(RUN), plain::stderr);
    assertEquals(0, disabled.awaitExit(RUN), disabled::stderr);
    assertEquals(0, app.awaitExit(RUN), app::stderr);
    assertTrue(plain.stdout().endsWith("enriched " + FIRMS + " firms\n"), plain::stdout);
    assertEquals(plain.stdout(), disabled.stdout(), "-Djobpulse.enabled=false changed the app's output");
    assertEquals(plain.stdout(), app.stdout(), "the agent changed the app's output");

    JsonNode job = collector.api().awaitStatus(jobName, "COMPLETED", SHOWN);
    assertEquals(SampleJobs.SERVICE_NAME, job.path("service").asText(), job::toString);
    if ("-".equals(businessId)) {
      assertTrue(job.path("businessId").isNull() || job.path("businessId").isMissingNode(), job::toString);
    } else {
      assertEquals(businessId, job.path("businessId").asText(), job::toString);
    }
    List<JsonNode> runs = collector.api().jobs(Map.of("name", jobName));
    assertEquals(1, runs.size(), () -> "one run reported, none by the disabled agent: " + runs);
  }
}
