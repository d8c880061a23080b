package io.jobpulse.collector.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.jobpulse.collector.detect.DetectionSettings;
import io.jobpulse.collector.detect.JobLimits;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** The detection limits from flags, JOBPULSE_* environment and the YAML file's {@code job-limits} list. */
class DetectionSettingsCliTest {

  @TempDir Path dir;

  @Test
  void defaultsAreStall5mQueue10mLostAfter3AndNoMaxRuntime() {
    DetectionSettings settings = resolve(Map.of());
    assertEquals(new JobLimits(null, Duration.ofMinutes(5), Duration.ofMinutes(10)), settings.defaultLimits());
    assertEquals(3, settings.lostAfter());
    assertEquals(0, settings.rules().size());
  }

  @Test
  void flagsBeatEnvironmentBeatsYamlAndTheFirstMatchingRuleWins() throws IOException {
    Path yaml = dir.resolve("collector.yaml");
    Files.writeString(yaml, """
        stall-timeout: 1m
        queue-timeout: 2h
        lost-after: 5
        job-limits:
          - match: "com.acme.reports.Monthly#run"
            maxRuntime: 2h
          - match: "com.acme..*#run"
            maxRuntime: 30m
            stallTimeout: 2m
            queueTimeout: 1h
          - match: "com.acme.Sync#pull"
            stallTimeout: off
        """);
    DetectionSettings settings = resolve(Map.of("JOBPULSE_STALL_TIMEOUT", "3m", "JOBPULSE_MAX_RUNTIME", "4h"),
        "--config", yaml.toString(), "--queue-timeout", "45s");
    assertEquals(new JobLimits(Duration.ofHours(4), Duration.ofMinutes(3), Duration.ofSeconds(45)),
        settings.limitsFor("com.other.Job#run"));
    assertEquals(new JobLimits(Duration.ofHours(2), Duration.ofMinutes(3), Duration.ofSeconds(45)),
        settings.limitsFor("com.acme.reports.Monthly#run"), "first match wins");
    assertEquals(new JobLimits(Duration.ofMinutes(30), Duration.ofMinutes(2), Duration.ofHours(1)),
        settings.limitsFor("com.acme.billing.Invoices#run"));
    assertNull(settings.limitsFor("com.acme.Sync#pull").stallTimeout(), "off");
    assertEquals(5, settings.lostAfter());
  }

  @Test
  void theJobLimitsListMayComeFromTheEnvironmentAsOneLineOfYaml() {
    DetectionSettings settings = resolve(Map.of("JOBPULSE_JOB_LIMITS", "[{match: \"com.acme.*#run\", maxRuntime: 10m}]",
        "JOBPULSE_MAX_RUNTIME", "off"));
    assertEquals(Duration.ofMinutes(10), settings.limitsFor("com.acme.Job#run").maxRuntime());
    assertNull(settings.limitsFor("com.acme.sub.Job#run").maxRuntime(), "'*' is one package level");
  }

  @Test
  void badValuesAreClearStartupErrors() throws IOException {
    assertEquals("stall-timeout (flag --stall-timeout, environment JOBPULSE_STALL_TIMEOUT): invalid duration 'soon': "
        + "expected a whole number and a unit (ms, s, m, h, d), e.g. 250ms, 5s, 2m, or 'off'",
        assertThrows(IllegalArgumentException.class, () -> resolve(Map.of(), "--stall-timeout", "soon")).getMessage());
    assertEquals("max-runtime (flag --max-runtime, environment JOBPULSE_MAX_RUNTIME) must be longer than 0; "
        + "write 'off' to turn it off",
        assertThrows(IllegalArgumentException.class, () -> resolve(Map.of("JOBPULSE_MAX_RUNTIME", "0"))).getMessage());
    assertThrows(IllegalArgumentException.class, () -> resolve(Map.of(), "--lost-after", "0"));
    assertThrows(IllegalArgumentException.class, () -> resolve(Map.of("JOBPULSE_JOB_LIMITS", "[{match: ")));

    Path yaml = dir.resolve("bad.yaml");
    Files.writeString(yaml, "job-limits:\n  - match: \"com.acme.Job#run\"\n    maxRuntme: 5m\n");
    assertEquals("job-limits[0]: unknown key 'maxRuntme'; allowed: match, maxRuntime, stallTimeout, queueTimeout",
        assertThrows(IllegalArgumentException.class, () -> resolve(Map.of(), "--config", yaml.toString())).getMessage());
    Files.writeString(yaml, "job-limits:\n  - maxRuntime: 5m\n");
    assertEquals("job-limits[0]: 'match' is required, a job matcher such as com.acme..*#run",
        assertThrows(IllegalArgumentException.class, () -> resolve(Map.of(), "--config", yaml.toString())).getMessage());
    Files.writeString(yaml, "job-limits:\n  - match: \"preset:quartz\"\n");
    assertThrows(IllegalArgumentException.class, () -> resolve(Map.of(), "--config", yaml.toString()));
    Files.writeString(yaml, "job-limits:\n  - match: \"com.acme.Job#run\"\n    queueTimeout: 1 hour\n");
    assertThrows(IllegalArgumentException.class, () -> resolve(Map.of(), "--config", yaml.toString()));
    Files.writeString(yaml, "job-limits: com.acme.Job#run\n");
    assertEquals("job-limits must be a list of {match: ..., maxRuntime: ..., stallTimeout: ..., queueTimeout: ...}",
        assertThrows(IllegalArgumentException.class, () -> resolve(Map.of(), "--config", yaml.toString())).getMessage());
    Files.writeString(yaml, "jobs: com.acme.Job#run\n");
    assertEquals("jobs must be a list of {match: ..., maxRuntime: ..., stallTimeout: ..., queueTimeout: ...} "
        + "(config file key 'jobs', the older name of job-limits)",
        assertThrows(IllegalArgumentException.class, () -> resolve(Map.of(), "--config", yaml.toString())).getMessage());
  }

  private static DetectionSettings resolve(Map<String, String> env, String... args) {
    ServeCommand serve = new ServeCommand(env, System.out);
    new CommandLine(serve).parseArgs(args);
    return serve.resolve().detection();
  }
}
