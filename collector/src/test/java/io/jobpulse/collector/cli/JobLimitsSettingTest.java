package io.jobpulse.collector.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.jobpulse.collector.detect.DetectionSettings;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * The collector's per-job limits are 'job-limits' (JOBPULSE_JOB_LIMITS): JOBPULSE_JOBS is the
 * agent's matcher list, which may sit in the same environment; a config file's 'jobs' still counts.
 */
class JobLimitsSettingTest {

  @TempDir Path dir;

  @Test
  void theAgentsJobsInTheSameEnvironmentAreNotReadAsLimits() throws IOException {
    Map<String, String> env = Map.of("JOBPULSE_JOBS", "com.acme.Worker#run;preset:quartz");
    DetectionSettings settings = resolve(env);
    assertEquals(0, settings.rules().size());
    assertNull(settings.limitsFor("com.acme.Worker#run").maxRuntime());

    Path yaml = dir.resolve("collector.yaml");
    Files.writeString(yaml, "stall-timeout: 1m\n");
    assertEquals(0, resolve(env, "--config", yaml.toString()).rules().size());
  }

  @Test
  void jobLimitsComeFromTheEnvironmentAsAFlowList() {
    DetectionSettings settings = resolve(Map.of(
        "JOBPULSE_JOBS", "com.acme.Worker#run;preset:quartz",
        "JOBPULSE_JOB_LIMITS", "[{match: \"com.acme..*#run\", maxRuntime: 30m, stallTimeout: 2m}]"));
    assertEquals(1, settings.rules().size());
    assertEquals(Duration.ofMinutes(30), settings.limitsFor("com.acme.Worker#run").maxRuntime());
    assertEquals(Duration.ofMinutes(2), settings.limitsFor("com.acme.billing.Invoices#run").stallTimeout());
    assertNull(settings.limitsFor("com.other.Job#run").maxRuntime());
  }

  @Test
  void aConfigFileGivesJobLimitsOrItsOlderKeyJobs() throws IOException {
    Path current = dir.resolve("current.yaml");
    Files.writeString(current, """
        job-limits:
          - {match: "com.acme..*#run", maxRuntime: 30m}
        """);
    Path older = dir.resolve("older.yaml");
    Files.writeString(older, """
        jobs:
          - {match: "com.acme..*#run", maxRuntime: 20m}
        """);
    assertEquals(Duration.ofMinutes(30), resolve(Map.of(), "--config", current.toString())
        .limitsFor("com.acme.Worker#run").maxRuntime());
    assertEquals(Duration.ofMinutes(20), resolve(Map.of(), "--config", older.toString())
        .limitsFor("com.acme.Worker#run").maxRuntime());
    assertEquals(Duration.ofMinutes(20), resolve(Map.of("JOBPULSE_CONFIG", older.toString(),
        "JOBPULSE_JOBS", "com.acme.Worker#run;preset:quartz")).limitsFor("com.acme.Worker#run").maxRuntime(),
        "the file's 'jobs' is read, the agent's JOBPULSE_JOBS is not");
  }

  @Test
  void jobLimitsWinOverJobsInAFileAndTheEnvironmentWinsOverBoth() throws IOException {
    Path yaml = dir.resolve("both.yaml");
    Files.writeString(yaml, """
        jobs:
          - {match: "com.acme..*#run", maxRuntime: 20m}
          - {match: "com.other.Job#run", maxRuntime: 5m}
        job-limits:
          - {match: "com.acme..*#run", maxRuntime: 30m}
        """);
    DetectionSettings settings = resolve(Map.of(), "--config", yaml.toString());
    assertEquals(1, settings.rules().size());
    assertEquals(Duration.ofMinutes(30), settings.limitsFor("com.acme.Worker#run").maxRuntime());
    assertNull(settings.limitsFor("com.other.Job#run").maxRuntime(), "'jobs' is not merged in");

    settings = resolve(Map.of("JOBPULSE_JOB_LIMITS", "[{match: \"com.acme..*#run\", maxRuntime: 40m}]"),
        "--config", yaml.toString());
    assertEquals(Duration.ofMinutes(40), settings.limitsFor("com.acme.Worker#run").maxRuntime());
  }

  private static DetectionSettings resolve(Map<String, String> env, String... args) {
    ServeCommand serve = new ServeCommand(env, System.out);
    new CommandLine(serve).parseArgs(args);
    return serve.resolve().detection();
  }
}
