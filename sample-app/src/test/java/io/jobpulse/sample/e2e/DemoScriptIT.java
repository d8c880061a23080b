package io.jobpulse.sample.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The README's demo command, as a user runs it: {@code ./demo.sh} from the repository's root, on
 * the jars this build made, the whole story (collector, sample app under the agent, kill -9, the
 * crash flagged, the dashboard's address) and nothing left running after it.
 */
class DemoScriptIT {

  private static final Path ROOT = Path.of("..").toAbsolutePath().normalize();
  private static final Pattern CRASHED = Pattern.compile("\"status\": ?\"CRASHED\"");

  @Test
  void theDemoShowsTheKilledWorkersJobCrashedAndWhereTheDashboardIs() throws Exception {
    Path log = Files.createDirectories(Path.of(System.getProperty("e2e.logs.dir", "target/e2e-logs")))
        .resolve("demo.log");
    // Free ports: a developer's collector may hold the defaults.
    Process demo = new ProcessBuilder("bash", ROOT.resolve("demo.sh").toString(), "--no-wait",
        "--otlp-port", "0", "--http-port", "0")
        .directory(ROOT.toFile()).redirectErrorStream(true).redirectOutput(log.toFile()).start();
    try {
      assertTrue(demo.waitFor(5, TimeUnit.MINUTES), "the demo did not end within 5 minutes; " + log);
    } finally {
      demo.descendants().forEach(ProcessHandle::destroyForcibly);
      demo.destroyForcibly();
    }
    String out = Files.readString(log, StandardCharsets.UTF_8);
    assertEquals(0, demo.exitValue(), out);
    assertTrue(out.contains("flagged CRASHED in under"), out);
    assertTrue(CRASHED.matcher(out).find(), out);
    assertTrue(Pattern.compile("Dashboard: http://localhost:\\d+/").matcher(out).find(), out);
    assertTrue(demo.descendants().findAny().isEmpty(), "the demo left a process running");
  }
}
