package io.jobpulse.collector.durability;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jobpulse.collector.testing.AgentSpans;
import io.jobpulse.collector.testing.AgentSpans.Run;
import io.jobpulse.collector.testing.CollectorProcess;
import io.jobpulse.collector.testing.TestHttp;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code --fsync} (or JOBPULSE_FSYNC, or YAML {@code fsync: true}) syncs every write before it is
 * acknowledged, which is what survives a power loss. A power loss cannot be staged here, so the
 * syscalls are watched instead: strace attached to the collector counts its fsync/fdatasync calls
 * while acknowledged requests arrive, at least one per request with the setting, far fewer
 * without.
 */
class FsyncIT {

  private static final int REQUESTS = 40;
  private static final Pattern SYNC_CALL = Pattern.compile("\\b(fsync|fdatasync)\\(");

  @TempDir Path dir;
  private final TestHttp http = new TestHttp();

  @Test
  void everyAcknowledgedWriteIsSyncedWithTheSettingFromFlagEnvironmentOrYaml() throws Exception {
    Assumptions.assumeTrue(Files.isExecutable(Path.of("/usr/bin/strace")), "strace is needed to watch the syscalls");
    Path yaml = dir.resolve("collector.yaml");
    Files.writeString(yaml, "fsync: true\n");
    long withoutSetting = syncCalls("none", Map.of());
    assertTrue(withoutSetting < REQUESTS / 2, "without --fsync, " + withoutSetting + " syncs for " + REQUESTS + " requests");
    for (Map.Entry<String, Map<String, String>> source : List.of(
        Map.entry("--fsync", Map.<String, String>of()),
        Map.entry("env", Map.of("JOBPULSE_FSYNC", "true")),
        Map.entry("yaml", Map.<String, String>of()))) {
      String[] args = switch (source.getKey()) {
        case "--fsync" -> new String[] {"--fsync"};
        case "yaml" -> new String[] {"--config", yaml.toString()};
        default -> new String[0];
      };
      long synced = syncCalls(source.getKey(), source.getValue(), args);
      assertTrue(synced >= REQUESTS, source.getKey() + ": " + synced + " syncs for " + REQUESTS + " acknowledged requests");
    }
  }

  /** Sync syscalls the collector makes while it acknowledges {@link #REQUESTS} requests, one at a time. */
  private long syncCalls(String name, Map<String, String> environment, String... args) throws Exception {
    Path trace = dir.resolve(name + ".strace");
    Path straceLog = dir.resolve(name + ".strace-log");
    try (CollectorProcess collector = CollectorProcess.start(dir.resolve("data-" + name), dir.resolve(name + ".log"),
        environment, args)) {
      Process strace = new ProcessBuilder("strace", "-f", "-e", "trace=fsync,fdatasync", "-o", trace.toString(),
          "-p", Long.toString(collector.pid()))
          .redirectErrorStream(true).redirectOutput(straceLog.toFile()).start();
      try {
        await().atMost(Duration.ofSeconds(30)).until(() -> read(straceLog).contains("attached"));
        Assumptions.assumeTrue(strace.isAlive(), "strace cannot attach here: " + read(straceLog));
        AgentSpans agent = new AgentSpans("fsync");
        for (int i = 0; i < REQUESTS; i++) {
          Run run = Run.create("com.acme.Fsync#run", System.currentTimeMillis());
          http.export(collector.otlpPort(), agent.request(agent.jobStart(run, System.currentTimeMillis())));
        }
      } finally {
        strace.destroy(); // SIGTERM: strace detaches and leaves the collector running
        strace.waitFor(30, TimeUnit.SECONDS);
      }
      collector.stop();
    }
    return read(trace).lines().filter(line -> SYNC_CALL.matcher(line).find()).count();
  }

  private static String read(Path file) throws IOException {
    return Files.exists(file) ? Files.readString(file) : "";
  }
}
