package io.jobpulse.collector.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.jobpulse.collector.CollectorConfig;
import io.jobpulse.collector.alert.AlertConfig;
import io.jobpulse.collector.alert.AlertConfig.FailureStorm;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** 'alerts.failures': the failure-storm thresholds, from YAML or JOBPULSE_ALERTS; on by default, 'off', clear errors. */
class AlertFailuresCliTest {

  private static final String WEBHOOK = "{url: 'http://127.0.0.1:9/a'}";
  private static final String FROM_ENV = "alerts (flag --alerts, environment JOBPULSE_ALERTS)";

  @TempDir Path dir;

  @Test
  void onWithTheDefaultsWheneverThereAreWebhooks() {
    assertEquals(new FailureStorm(10, 0.5, Duration.ofMinutes(15)), FailureStorm.DEFAULT);
    assertEquals(FailureStorm.DEFAULT, fromEnv("{webhooks: [" + WEBHOOK + "]}").failures());
    assertEquals(FailureStorm.DEFAULT, resolve(Map.of(), "--alert-webhook", "http://127.0.0.1:9/x").alerts().failures());
    assertEquals(FailureStorm.DEFAULT, AlertConfig.of(List.of()).failures());
    assertEquals(FailureStorm.DEFAULT, fromEnv("{webhooks: [" + WEBHOOK + "], failures: true}").failures());
  }

  @Test
  void thresholdsFromTheEnvironmentOrTheFileMissingKeysDefault() throws Exception {
    assertEquals(new FailureStorm(3, 0.25, Duration.ofHours(1)),
        fromEnv("{webhooks: [" + WEBHOOK + "], failures: {minFailures: 3, ratio: 0.25, window: 1h}}").failures());
    assertEquals(new FailureStorm(5, 0.5, Duration.ofMinutes(15)),
        fromEnv("{webhooks: [" + WEBHOOK + "], failures: {minFailures: 5}}").failures());
    assertEquals(new FailureStorm(10, 1.0, Duration.ofMinutes(15)),
        fromEnv("{webhooks: [" + WEBHOOK + "], failures: {ratio: 1}}").failures());

    Path yaml = dir.resolve("alerts.yaml");
    Files.writeString(yaml, "alerts:\n  webhooks:\n    - url: http://127.0.0.1:9/b\n"
        + "  failures:\n    minFailures: 20\n    window: 30m\n");
    assertEquals(new FailureStorm(20, 0.5, Duration.ofMinutes(30)),
        resolve(Map.of(), "--config", yaml.toString()).alerts().failures());
    // The flags replace the file's webhooks, not its thresholds.
    assertEquals(new FailureStorm(20, 0.5, Duration.ofMinutes(30)),
        resolve(Map.of(), "--config", yaml.toString(), "--alert-webhook", "http://127.0.0.1:9/x").alerts().failures());
  }

  @Test
  void offTurnsItOff() throws Exception {
    Path yaml = dir.resolve("off.yaml");
    Files.writeString(yaml, "alerts:\n  webhooks:\n    - url: http://127.0.0.1:9/b\n  failures: off\n");
    AlertConfig fromFile = resolve(Map.of(), "--config", yaml.toString()).alerts();
    assertEquals(FailureStorm.OFF, fromFile.failures());
    assertFalse(fromFile.failures().enabled());
    assertEquals(1, fromFile.webhooks().size());
    assertEquals(FailureStorm.OFF, fromEnv("{webhooks: [" + WEBHOOK + "], failures: 'OFF'}").failures());
    assertEquals(FailureStorm.OFF, fromEnv("{webhooks: [" + WEBHOOK + "], failures: false}").failures());
  }

  @Test
  void badValuesAreClearStartupErrors() {
    assertRejected("failures: {minFailures: 0}", FROM_ENV + ": failures.minFailures must be at least 1, got 0");
    assertRejected("failures: {minFailures: 0, ratio: 0, window: 0}",
        FROM_ENV + ": failures.minFailures must be at least 1, got 0");
    assertRejected("failures: {minFailures: ten}", FROM_ENV + ": failures.minFailures must be a whole number, got \"ten\"");
    assertRejected("failures: {minFailures: 2.5}", FROM_ENV + ": failures.minFailures must be a whole number, got 2.5");
    assertRejected("failures: {ratio: 0}",
        FROM_ENV + ": failures.ratio must be more than 0 and at most 1 (0.5: half the runs), got 0.0");
    assertRejected("failures: {ratio: 1.5}",
        FROM_ENV + ": failures.ratio must be more than 0 and at most 1 (0.5: half the runs), got 1.5");
    assertRejected("failures: {ratio: half}", FROM_ENV + ": failures.ratio must be a number, e.g. 0.5, got \"half\"");
    assertRejected("failures: {window: 30s}", FROM_ENV + ": failures.window must be from 1m to 7d, got 30s");
    assertRejected("failures: {window: 8d}", FROM_ENV + ": failures.window must be from 1m to 7d, got 8d");
    assertRejected("failures: {window: soon}", FROM_ENV + ": failures.window: invalid duration 'soon': expected a whole "
        + "number and a unit (ms, s, m, h, d), e.g. 250ms, 5s, 2m");
    assertRejected("failures: {minFailure: 3}",
        FROM_ENV + ": unknown key failures.minFailure; allowed: minFailures, ratio, window");
    assertRejected("failures: 12",
        FROM_ENV + ": failures must be 'off' or a mapping {minFailures: 10, ratio: 0.5, window: 15m}, got 12");
  }

  @Test
  void theRecordItselfRejectsBadThresholds() {
    assertEquals("failures.minFailures must be at least 1, got -1", assertThrows(IllegalArgumentException.class,
        () -> new FailureStorm(-1, 0.5, Duration.ofMinutes(15))).getMessage());
    assertEquals("failures.ratio must be more than 0 and at most 1 (0.5: half the runs), got NaN",
        assertThrows(IllegalArgumentException.class, () -> new FailureStorm(10, Double.NaN, Duration.ofMinutes(15)))
            .getMessage());
    assertEquals("failures.window must be from 1m to 7d, got 59s", assertThrows(IllegalArgumentException.class,
        () -> AlertConfig.NONE.withFailures(new FailureStorm(10, 0.5, Duration.ofSeconds(59)))).getMessage());
  }

  private void assertRejected(String failures, String message) {
    assertEquals(message, assertThrows(IllegalArgumentException.class,
        () -> fromEnv("{webhooks: [" + WEBHOOK + "], " + failures + "}")).getMessage(), failures);
  }

  private static AlertConfig fromEnv(String alerts) {
    return resolve(Map.of("JOBPULSE_ALERTS", alerts)).alerts();
  }

  private static CollectorConfig resolve(Map<String, String> env, String... args) {
    ServeCommand serve = new ServeCommand(env, System.out);
    new CommandLine(serve).parseArgs(args);
    return serve.resolve();
  }
}
