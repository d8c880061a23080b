package io.jobpulse.sample.e2e;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.regex.Matcher;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** The collector's command line as users and scripts (demo.sh) depend on it. */
class CollectorCliIT {

  @RegisterExtension final ChildProcesses children = new ChildProcesses();
  @TempDir Path dataDir;

  @Test
  void servePrintsItsBoundPortsAndDataDirAndStopsOnSigterm() {
    CollectorProcess collector = children.startCollector(dataDir);

    assertTrue(collector.otlpPort() > 0 && collector.httpPort() > 0, collector::stdout);
    assertEquals(dataDir.toAbsolutePath(), collector.reportedDataDir());
    Matcher api =
        await("the API line")
            .atMost(Duration.ofSeconds(10))
            .until(() -> CollectorProcess.API_LINE.matcher(collector.stdout()), Matcher::find);
    assertEquals(collector.httpPort(), Integer.parseInt(api.group(1)));
    assertEquals(200, collector.api().healthz());
    assertEquals(0, collector.api().jobs().size(), "a new data directory holds no job");

    collector.stop();
    assertFalse(collector.isAlive());
  }
}
