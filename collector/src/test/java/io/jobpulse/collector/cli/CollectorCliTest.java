package io.jobpulse.collector.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jobpulse.collector.CollectorConfig;
import io.jobpulse.collector.alert.AlertConfig;
import io.jobpulse.collector.testing.AgentSpans;
import io.jobpulse.collector.testing.AgentSpans.Active;
import io.jobpulse.collector.testing.AgentSpans.Run;
import io.jobpulse.collector.testing.RunningCollector;
import io.jobpulse.collector.testing.TestHttp;
import io.jobpulse.contract.JobOutcome;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class CollectorCliTest {

  @TempDir Path dir;

  @Test
  void flagBeatsEnvironmentBeatsYamlBeatsDefault() throws Exception {
    Path yaml = dir.resolve("collector.yaml");
    Files.writeString(yaml, "http-port: 9001\notlp-port: 9002\nheartbeat-misses: 7\ndata-dir: /from/yaml\n");
    Map<String, String> env = Map.of("JOBPULSE_OTLP_PORT", "9102", "JOBPULSE_HEARTBEAT_MISSES", "5");

    CollectorConfig config = resolve(env, "--config", yaml.toString(), "--heartbeat-misses", "4");
    assertEquals(9001, config.httpPort(), "YAML over default");
    assertEquals(9102, config.otlpPort(), "environment over YAML");
    assertEquals(4, config.heartbeatMisses(), "flag over environment");
    assertEquals(Path.of("/from/yaml"), config.dataDir());
    assertEquals(CollectorConfig.DEFAULT_OTLP_GRPC_PORT, config.otlpGrpcPort(), "default");

    CollectorConfig defaults = resolve(Map.of());
    assertEquals(8090, defaults.httpPort());
    assertEquals(4318, defaults.otlpPort());
    assertEquals(3, defaults.heartbeatMisses());
    assertEquals(Path.of("jobpulse-data").toAbsolutePath(), defaults.dataDir());

    CollectorConfig fromEnvFile = resolve(Map.of("JOBPULSE_CONFIG", yaml.toString(), "JOBPULSE_HTTP_PORT", "0"));
    assertEquals(0, fromEnvFile.httpPort());
    assertEquals(9002, fromEnvFile.otlpPort());
  }

  @Test
  void badSettingsAreNamed() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> resolve(Map.of("JOBPULSE_HTTP_PORT", "eighty")));
    assertTrue(e.getMessage().contains("http-port") && e.getMessage().contains("eighty"), e.getMessage());
    assertThrows(IllegalArgumentException.class, () -> resolve(Map.of(), "--otlp-port", "70000"));
    assertThrows(IllegalArgumentException.class, () -> resolve(Map.of(), "--config", dir.resolve("missing.yaml").toString()));
  }

  @Test
  void clientVerbsTalkToARunningCollector() {
    try (RunningCollector collector = new RunningCollector(dir.resolve("data"))) {
      TestHttp http = new TestHttp();
      AgentSpans agent = new AgentSpans("cli-test");
      long now = System.currentTimeMillis();
      Run old = Run.create("com.acme.Ancient#run", now - Duration.ofHours(1).toMillis());
      Run dead = Run.create("com.acme.Dying#run", now);
      http.export(collector.otlpPort(), agent.request(agent.jobStart(old, now),
          agent.heartbeat(60_000, now, new Active(old, 2, 9L, "RUNNABLE"))));
      String url = "--url=" + collector.api("");

      String status = run("status", url);
      assertTrue(status.contains(agent.instanceId()) && status.contains("ALIVE"), status);
      assertTrue(status.contains("com.acme.Ancient#run") && status.contains("2/9"), status);

      AgentSpans other = new AgentSpans("cli-test");
      http.export(collector.otlpPort(), other.request(other.jobStart(dead, now),
          other.heartbeat(100, now, new Active(dead, 1, null, "RUNNABLE"))));
      org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> run("stuck", url).contains("com.acme.Dying#run"));
      assertTrue(run("stuck", url).contains("no heartbeat from worker " + other.instanceId()));

      String reset = run("reset-stuck", url, "--older-than", "30m");
      assertTrue(reset.contains("reset 1 job(s)") && reset.contains(old.id()), reset);
      assertEquals("ABANDONED", http.getJson(collector.api("/api/jobs/" + old.id())).path("status").asText());
    }
  }

  @Test
  void statusShowsHealthAndResetStuckPresentsTheToken() {
    try (RunningCollector collector = new RunningCollector(dir.resolve("data"), b -> b.apiToken("t0ken"))) {
      TestHttp http = new TestHttp();
      AgentSpans agent = new AgentSpans("cli-test");
      long now = System.currentTimeMillis();
      Run old = Run.create("com.acme.Ancient#run", now - Duration.ofHours(2).toMillis());
      http.export(collector.otlpPort(), agent.request(agent.jobStart(old, now),
          agent.heartbeat(60_000, now, new Active(old, 1, null, "RUNNABLE")),
          agent.jobEnd(Run.create("com.acme.Nightly#run", now - 1500), now, JobOutcome.COMPLETED),
          agent.jobEnd(Run.create("com.acme.Nightly#run", now - 10), now, JobOutcome.FAILED, 0,
              "java.lang.IllegalStateException", "order 17 not found")));
      String url = "--url=" + collector.api("");

      String status = run("status", url);
      assertTrue(status.contains("WORKERS (1)") && status.contains("RUNNING JOBS (1)") && status.contains("FLAGGED JOBS (0)"),
          status);
      assertTrue(status.contains("HEALTH (last 24 h) (1)"), status);
      String healthLine = status.lines().filter(l -> l.contains("com.acme.Nightly#run")).findFirst().orElseThrow();
      assertTrue(healthLine.startsWith("50 ") && healthLine.contains("1× IllegalStateException: order <n> not found"),
          healthLine);
      assertTrue(status.lines().anyMatch(l -> l.contains(agent.instanceId()) && l.contains("ALIVE") && l.contains("none")),
          status);

      ByteArrayOutputStream err = new ByteArrayOutputStream();
      PrintStream originalErr = System.err;
      int refused;
      try {
        System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
        refused = CollectorCli.run(new String[] {"reset-stuck", url, "--older-than", "1h"}, Map.of(),
            new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8));
      } finally {
        System.setErr(originalErr);
      }
      assertEquals(1, refused);
      assertTrue(err.toString(StandardCharsets.UTF_8).contains("Authorization"), err.toString(StandardCharsets.UTF_8));

      String reset = run("reset-stuck", url, "--token", "t0ken", "--older-than", "1h");
      assertTrue(reset.contains("reset 1 job(s)") && reset.contains(old.id()), reset);
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      assertEquals(0, CollectorCli.run(new String[] {"reset-stuck", url, "--older-than", "1h"},
          Map.of("JOBPULSE_API_TOKEN", "t0ken"), new PrintStream(out, true, StandardCharsets.UTF_8)));
      assertTrue(out.toString(StandardCharsets.UTF_8).contains("reset 0 job(s)"));
    }
  }

  @Test
  void alertsAndTokenComeFromFlagsEnvironmentOrYaml() throws Exception {
    Path yaml = dir.resolve("alerts.yaml");
    Files.writeString(yaml, "api-token: from-yaml\nalerts:\n  webhooks:\n"
        + "    - {url: \"https://hooks.example.test/a\", format: slack, notifyCompleted: true}\n"
        + "    - url: http://127.0.0.1:9/b\n");
    CollectorConfig fromYaml = resolve(Map.of(), "--config", yaml.toString());
    assertEquals("from-yaml", fromYaml.apiToken().orElseThrow());
    assertEquals(2, fromYaml.alerts().webhooks().size());
    assertEquals(AlertConfig.Format.SLACK, fromYaml.alerts().webhooks().get(0).format());
    assertTrue(fromYaml.alerts().webhooks().get(0).notifyCompleted());
    assertEquals(AlertConfig.Format.JSON, fromYaml.alerts().webhooks().get(1).format());

    CollectorConfig flags = resolve(Map.of("JOBPULSE_API_TOKEN", "from-env"), "--config", yaml.toString(),
        "--alert-webhook", "http://127.0.0.1:9/x", "--alert-webhook", "http://127.0.0.1:9/y");
    assertEquals("from-env", flags.apiToken().orElseThrow());
    assertEquals(List.of("http://127.0.0.1:9/x", "http://127.0.0.1:9/y"),
        flags.alerts().webhooks().stream().map(w -> w.url().toString()).toList());
    assertFalse(resolve(Map.of()).alerts().enabled());
    assertFalse(resolve(Map.of()).apiToken().isPresent());

    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> resolve(Map.of(), "--alert-webhook", "ftp://nope"));
    assertTrue(e.getMessage().contains("http(s)"), e.getMessage());
    assertThrows(IllegalArgumentException.class,
        () -> resolve(Map.of("JOBPULSE_ALERTS", "{webhooks: [{url: 'http://x.test/', format: xml}]}")));
  }

  @Test
  void anUnreachableCollectorIsOneReadableLine() {
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    PrintStream originalErr = System.err;
    int code;
    try {
      System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
      code = CollectorCli.run(new String[] {"status", "--url=http://127.0.0.1:1"}, Map.of(),
          new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8));
    } finally {
      System.setErr(originalErr);
    }
    assertEquals(1, code);
    assertTrue(err.toString(StandardCharsets.UTF_8).startsWith("error: cannot reach the collector"), err.toString());
  }

  private static String run(String... args) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    int code = CollectorCli.run(args, Map.of(), new PrintStream(out, true, StandardCharsets.UTF_8));
    assertEquals(0, code, out.toString(StandardCharsets.UTF_8));
    return out.toString(StandardCharsets.UTF_8);
  }

  private static CollectorConfig resolve(Map<String, String> env, String... args) {
    ServeCommand serve = new ServeCommand(env, System.out);
    new CommandLine(serve).parseArgs(args);
    return serve.resolve();
  }
}
