package io.jobpulse.collector.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.jobpulse.collector.CollectorConfig;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** {@code --worker-retention}: flag, JOBPULSE_WORKER_RETENTION, default 7 days, clear errors. */
class WorkerRetentionCliTest {

  @Test
  void defaultsToSevenDaysAndTheFlagBeatsTheEnvironment() {
    assertEquals(Duration.ofDays(7), resolve(Map.of()).workerRetention());
    assertEquals(Duration.ofHours(36), resolve(Map.of("JOBPULSE_WORKER_RETENTION", "36h")).workerRetention());
    assertEquals(Duration.ofDays(2),
        resolve(Map.of("JOBPULSE_WORKER_RETENTION", "36h"), "--worker-retention", "2d").workerRetention());
  }

  @Test
  void badValuesAreClearStartupErrors() {
    assertEquals("worker-retention (flag --worker-retention, environment JOBPULSE_WORKER_RETENTION): invalid duration "
        + "'a week': expected a whole number and a unit (ms, s, m, h, d), e.g. 250ms, 5s, 2m",
        assertThrows(IllegalArgumentException.class, () -> resolve(Map.of(), "--worker-retention", "a week"))
            .getMessage());
    assertEquals("worker-retention (flag --worker-retention, environment JOBPULSE_WORKER_RETENTION) must be longer "
        + "than 0, e.g. 7d",
        assertThrows(IllegalArgumentException.class, () -> resolve(Map.of(), "--worker-retention", "0")).getMessage());
  }

  private static CollectorConfig resolve(Map<String, String> env, String... args) {
    ServeCommand serve = new ServeCommand(env, System.out);
    new CommandLine(serve).parseArgs(args);
    return serve.resolve();
  }
}
