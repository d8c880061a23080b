package io.jobpulse.agent.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jobpulse.contract.JobMatcher;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AgentConfigTest {

  @TempDir Path dir;

  private final Properties system = new Properties();
  private final Map<String, String> env = new HashMap<>();

  @Test
  void defaults() {
    AgentConfig config = AgentConfig.load(null, system, env);
    assertTrue(config.enabled());
    assertEquals("http://localhost:4318", config.collectorEndpoint());
    assertEquals(URI.create("http://localhost:4318"), config.leaseEndpoint());
    assertEquals(List.of(JobMatcher.parse("preset:auto")), config.jobs());
    assertTrue(config.items().isEmpty());
    assertEquals(Duration.ofSeconds(5), config.heartbeatInterval());
    assertEquals(Duration.ofMillis(100), config.announceDelay());
    assertNull(config.ingestToken());
    assertEquals(AgentConfig.ShortRuns.SUMMARY, config.shortRuns());
  }

  @Test
  void eachLevelWinsOverTheOnesBelowIt() throws IOException {
    Path file = dir.resolve("jobpulse.properties");
    Files.writeString(file, String.join("\n",
        "jobpulse.heartbeat.interval=4s",
        "jobpulse.announce.delay=400ms",
        "jobpulse.report.short-runs=span",
        "jobpulse.ingest.token=from-file"));
    env.put("JOBPULSE_CONFIG_FILE", file.toString());
    env.put("JOBPULSE_HEARTBEAT_INTERVAL", "3s");
    env.put("JOBPULSE_ANNOUNCE_DELAY", "300ms");
    env.put("JOBPULSE_REPORT_SHORT_RUNS", "summary");
    system.setProperty("jobpulse.heartbeat.interval", "2s");
    system.setProperty("jobpulse.announce.delay", "200ms");

    AgentConfig config = AgentConfig.load("heartbeat.interval=1s", system, env);

    assertEquals(Duration.ofSeconds(1), config.heartbeatInterval(), "agent argument over system property");
    assertEquals(Duration.ofMillis(200), config.announceDelay(), "system property over environment");
    assertEquals(AgentConfig.ShortRuns.SUMMARY, config.shortRuns(), "environment over file");
    assertEquals("from-file", config.ingestToken(), "file when nothing else says");
  }

  @Test
  void theConfigFileMayBeNamedByAnAgentArgument() throws IOException {
    Path file = dir.resolve("c.properties");
    Files.writeString(file, "jobpulse.jobs=com.acme.W#run(id=arg0.id,total=arg0.size)\nlease.endpoint=none\n");
    AgentConfig config = AgentConfig.load("config.file=" + file, system, env);
    assertEquals(List.of(JobMatcher.parse("com.acme.W#run(id=arg0.id,total=arg0.size)")), config.jobs());
    assertNull(config.leaseEndpoint());
  }

  @Test
  void jobsWithExtractionsSurviveTheArgumentSyntax() {
    AgentConfig config = AgentConfig.load("jobs=com.acme.W#run(id=arg0.id,total=arg1.size);com.acme..*#go,heartbeat.interval=250ms", system, env);
    assertEquals(List.of(JobMatcher.parse("com.acme.W#run(id=arg0.id,total=arg1.size)"), JobMatcher.parse("com.acme..*#go")), config.jobs());
    assertEquals(Duration.ofMillis(250), config.heartbeatInterval());
  }

  @Test
  void aBadMatcherIsLeftOutAndTheOthersKept() {
    AgentConfig config = AgentConfig.load(null, system, Map.of("JOBPULSE_JOBS", "com.acme.W#run;not a matcher;preset:nope;com.acme.V#go"));
    assertEquals(List.of(JobMatcher.parse("com.acme.W#run"), JobMatcher.parse("com.acme.V#go")), config.jobs());
  }

  @Test
  void badValuesFallBackToTheDefaults() {
    system.setProperty("jobpulse.heartbeat.interval", "often");
    system.setProperty("jobpulse.announce.delay", "-5s");
    system.setProperty("jobpulse.collector.endpoint", "not a url");
    system.setProperty("jobpulse.enabled", "maybe");
    system.setProperty("jobpulse.report.short-runs", "all");
    AgentConfig config = AgentConfig.load(null, system, env);
    assertEquals(Duration.ofSeconds(5), config.heartbeatInterval());
    assertEquals(Duration.ofMillis(100), config.announceDelay());
    assertEquals("http://localhost:4318", config.collectorEndpoint());
    assertTrue(config.enabled());
    assertEquals(AgentConfig.ShortRuns.SUMMARY, config.shortRuns());
  }

  @Test
  void aZeroHeartbeatIntervalIsRefused() {
    assertEquals(Duration.ofSeconds(5), AgentConfig.load("heartbeat.interval=0s", system, env).heartbeatInterval());
  }

  @Test
  void theLeaseFollowsTheCollectorUnlessSetOrTurnedOff() {
    assertEquals(URI.create("http://c:9999"), AgentConfig.load("collector.endpoint=http://c:9999/", system, env).leaseEndpoint());
    assertEquals(URI.create("http://j:4318"), AgentConfig.load("collector.endpoint=http://otelcol:4318,lease.endpoint=http://j:4318", system, env).leaseEndpoint());
    assertNull(AgentConfig.load("lease.endpoint=none", system, env).leaseEndpoint());
  }

  @Test
  void disabled() {
    env.put("JOBPULSE_ENABLED", "false");
    assertFalse(AgentConfig.load(null, system, env).enabled());
  }

  @Test
  void disabledTheRestIsNeitherReadNorJudged() {
    AgentConfig config = AgentConfig.load("enabled=false,jobs=a.B#run(id=oops),heartbeat.interval=soon", system, env);
    assertFalse(config.enabled());
    assertEquals(Duration.ofSeconds(5), config.heartbeatInterval());
  }

  @Test
  void theTokenIsNeverShown() {
    AgentConfig config = AgentConfig.load("ingest.token=s3cret", system, env);
    assertEquals("s3cret", config.ingestToken());
    assertFalse(config.toString().contains("s3cret"));
  }

  @Test
  void anUnreadableConfigFileIsSkipped() {
    AgentConfig config = AgentConfig.load("config.file=" + dir.resolve("missing.properties") + ",heartbeat.interval=1s", system, env);
    assertEquals(Duration.ofSeconds(1), config.heartbeatInterval());
  }
}
