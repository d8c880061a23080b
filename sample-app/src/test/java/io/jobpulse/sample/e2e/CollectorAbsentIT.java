package io.jobpulse.sample.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Brief test 6: no collector is running. The instrumented app, lease and exporter both pointing at
 * a port nobody listens on, runs to its end exactly as without the agent.
 */
class CollectorAbsentIT {

  /** A bound for a hung app, not a speed check. */
  private static final Duration RUN = Duration.ofSeconds(60);

  @RegisterExtension final ChildProcesses children = new ChildProcesses();

  @ParameterizedTest(name = "{0}")
  @CsvSource(
      delimiter = '|',
      value = {
        "enrich --firms 8 --delay-ms 40 --batch-id offline-1 | 0",
        "fail | 3",
      })
  void appRunsToItsEndWithTheSameOutputAndExitCode(String commandLine, int expectedExit) {
    String[] args = commandLine.split(" ");
    String nowhere = "http://127.0.0.1:" + FreePorts.pick();

    AppProcess plain = children.app().args(args).start();
    AppProcess app = children.app().withAgent(nowhere).withLease().args(args).start();

    assertEquals(expectedExit, plain.awaitExit(RUN), plain::stderr);
    assertEquals(expectedExit, app.awaitExit(RUN), app::stderr);
    assertEquals(plain.stdout(), app.stdout(), "the agent changed the app's output");
  }
}
