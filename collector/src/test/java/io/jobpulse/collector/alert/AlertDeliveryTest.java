package io.jobpulse.collector.alert;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.jobpulse.collector.detect.DetectionSettings;
import io.jobpulse.collector.testing.AgentSpans;
import io.jobpulse.collector.testing.AgentSpans.Active;
import io.jobpulse.collector.testing.AgentSpans.Run;
import io.jobpulse.collector.testing.AgentSpans.Running;
import io.jobpulse.collector.testing.RunningCollector;
import io.jobpulse.collector.testing.TestHttp;
import io.jobpulse.contract.JobOutcome;
import io.opentelemetry.proto.trace.v1.Span;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Alerts delivered to a real local webhook receiver that fails first, then accepts. */
class AlertDeliveryTest {

  @TempDir Path dir;
  private final TestHttp http = new TestHttp();
  private Receiver receiver;

  @BeforeEach
  void startReceiver() throws IOException {
    receiver = new Receiver();
  }

  @AfterEach
  void stopReceiver() {
    receiver.server.stop(0);
  }

  @Test
  void oneGroupedAlertPerWorkerCrashDeliveredExactlyOnceDespiteFailures() {
    receiver.refuseNext(3);
    AlertConfig alerts = new AlertConfig(List.of(
        new AlertConfig.Webhook(receiver.url("/json"), AlertConfig.Format.JSON, false),
        new AlertConfig.Webhook(receiver.url("/slack"), AlertConfig.Format.SLACK, true)),
        Duration.ofMillis(20), Duration.ofMillis(200));
    AgentSpans dying = new AgentSpans("payments");
    AgentSpans leaving = new AgentSpans("payments");
    try (RunningCollector collector = new RunningCollector(dir, b -> b.alerts(alerts))) {
      long now = System.currentTimeMillis();
      Run a = Run.create("com.acme.Settle#run", now);
      Run b = Run.create("com.acme.Settle#run", now);
      Run c = Run.create("com.acme.Refund#run", now);
      http.export(collector.otlpPort(), dying.request(dying.jobStart(a, now), dying.jobStart(b, now),
          dying.jobStart(c, now), dying.heartbeat(100, now, new Active(a, 0, null, "RUNNABLE"),
              new Active(b, 0, null, "RUNNABLE"), new Active(c, 0, null, "RUNNABLE"))));
      Run abandoned = Run.create("com.acme.Export#run", now);
      Run completed = Run.create("com.acme.Export#run", now - 5);
      http.export(collector.otlpPort(), leaving.request(leaving.jobStart(abandoned, now),
          leaving.heartbeat(60_000, now, new Active(abandoned, 0, null, "RUNNABLE")),
          leaving.jobEnd(completed, now, JobOutcome.COMPLETED)));
      http.export(collector.otlpPort(), leaving.request(leaving.workerStop(now, abandoned)));

      // json: the crash (3 runs, one alert) and the exit; slack: both, and the completion notice.
      await().atMost(Duration.ofSeconds(20)).until(() -> receiver.accepted.size() == 5);
      await().atMost(Duration.ofSeconds(10)).until(() -> depth(collector) == 0);

      String crashKey = "/json " + keyStartingWith("/json worker:" + dying.instanceId() + ":CRASHED:");
      JsonNode crash = receiver.bodies.get(crashKey);
      assertEquals("worker_jobs_flagged", crash.path("kind").asText());
      assertEquals("CRASHED", crash.path("flag").asText());
      assertEquals(3, crash.path("jobs").size(), crash.toString());
      assertTrue(crash.path("summary").asText().contains("3 jobs CRASHED"), crash.toString());
      JsonNode slackCrash = receiver.bodies.get("/slack " + crashKey.substring("/json ".length()));
      assertTrue(slackCrash.path("text").asText().contains("3 jobs CRASHED"), slackCrash.toString());
      assertEquals("section", slackCrash.path("blocks").path(0).path("type").asText());
      assertTrue(slackCrash.path("blocks").path(1).path("text").path("text").asText().contains("com.acme.Refund#run"));
      keyStartingWith("/json worker:" + leaving.instanceId() + ":ABANDONED:");
      assertTrue(receiver.accepted.containsKey("/slack completed:" + completed.id()), receiver.accepted.keySet().toString());
      receiver.accepted.forEach((key, times) -> assertEquals(1, times.get(), key + " accepted " + times + " times"));
      assertTrue(receiver.refused.get() == 0, "the refusals were retried");
      assertTrue(scrape(collector).contains("jobpulse_alerts_delivered_total 5.0"), scrape(collector));
    }
  }

  @Test
  void aRunStillAliveButStuckIsAlertedOnceWhateverFollows() {
    AlertConfig alerts = new AlertConfig(List.of(new AlertConfig.Webhook(receiver.url("/json"),
        AlertConfig.Format.JSON, false)), Duration.ofMillis(20), Duration.ofMillis(200));
    DetectionSettings oneSecond = DetectionSettings.builder().maxRuntime(Duration.ofSeconds(1)).build();
    AgentSpans worker = new AgentSpans("reports");
    try (RunningCollector collector = new RunningCollector(dir, b -> b.alerts(alerts).detection(oneSecond))) {
      Run run = Run.create("com.acme.Monthly#run", System.currentTimeMillis());
      http.export(collector.otlpPort(), worker.request(worker.jobStart(run, System.currentTimeMillis())));
      // Alive all along: its worker keeps beating (1 s interval) until the flag is raised, and after.
      await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(300)).until(() -> {
        http.export(collector.otlpPort(), worker.request(
            worker.heartbeat(1_000, System.currentTimeMillis(), new Active(run, 1, null, "RUNNABLE"))));
        return !receiver.accepted.isEmpty();
      });
      String key = "/json job:" + run.id() + ":STUCK";
      JsonNode alert = receiver.bodies.get(key);
      assertTrue(alert != null, receiver.accepted.keySet().toString());
      assertEquals("job_flagged", alert.path("kind").asText());
      assertEquals("STUCK", alert.path("flag").asText());
      assertTrue(alert.path("summary").asText().contains("com.acme.Monthly#run"), alert.toString());

      // More heartbeats of the stuck run, then its end: no second alert for the same run and flag.
      http.export(collector.otlpPort(), worker.request(
          worker.heartbeat(1_000, System.currentTimeMillis(), new Active(run, 2, null, "RUNNABLE"))));
      http.export(collector.otlpPort(), worker.request(worker.jobEnd(run, System.currentTimeMillis(), JobOutcome.COMPLETED)));
      await().atMost(Duration.ofSeconds(10)).until(() -> "COMPLETED".equals(
          http.getJson(collector.api("/api/jobs/" + run.id())).path("status").asText()));
      await().during(Duration.ofSeconds(1)).atMost(Duration.ofSeconds(10))
          .until(() -> receiver.accepted.size() == 1 && depth(collector) == 0);
      assertEquals(1, receiver.accepted.get(key).get());
    }
  }

  @Test
  void aRunThatStallsResumesAndStallsAgainIsAlertedOnce() {
    AlertConfig alerts = new AlertConfig(List.of(new AlertConfig.Webhook(receiver.url("/json"),
        AlertConfig.Format.JSON, false)), Duration.ofMillis(20), Duration.ofMillis(200));
    DetectionSettings stallAfterOneSecond = DetectionSettings.builder().stallTimeout(Duration.ofSeconds(1)).build();
    AgentSpans worker = new AgentSpans("imports");
    try (RunningCollector collector = new RunningCollector(dir, b -> b.alerts(alerts).detection(stallAfterOneSecond))) {
      Run run = Run.create("com.acme.Import#run", System.currentTimeMillis());
      http.export(collector.otlpPort(), worker.request(worker.jobStart(run, System.currentTimeMillis())));
      String key = "/json job:" + run.id() + ":STALLED";
      beatWithoutProgressUntil(collector, worker, run, 1, () -> receiver.accepted.containsKey(key));
      assertEquals("STALLED", receiver.bodies.get(key).path("flag").asText());

      // Progress clears the flag; then the run stalls again at its new count.
      http.export(collector.otlpPort(), worker.request(worker.heartbeat(1_000, System.currentTimeMillis(),
          List.of(new Running(run, 2, null, "RUNNABLE", true, "com.acme.Import.read")), List.of())));
      await().atMost(Duration.ofSeconds(10)).until(() -> flagOf(collector, run).isNull());
      beatWithoutProgressUntil(collector, worker, run, 2, () -> "STALLED".equals(flagOf(collector, run).path("type").asText()));

      await().during(Duration.ofSeconds(1)).atMost(Duration.ofSeconds(10)).until(() -> depth(collector) == 0);
      assertEquals(Set.of(key), receiver.accepted.keySet());
      assertEquals(1, receiver.accepted.get(key).get(), "one alert for the run and flag, however often it is raised");
    }
  }

  /** Heartbeats (1 s interval) that list {@code run} at {@code done} with an unmoved stack, until {@code until}. */
  private void beatWithoutProgressUntil(RunningCollector collector, AgentSpans worker, Run run, long done,
      Callable<Boolean> until) {
    await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(300)).until(() -> {
      http.export(collector.otlpPort(), worker.request(worker.heartbeat(1_000, System.currentTimeMillis(),
          List.of(new Running(run, done, null, "WAITING", false, "java.lang.Object.wait")), List.of())));
      return until.call();
    });
  }

  private JsonNode flagOf(RunningCollector collector, Run run) {
    return http.getJson(collector.api("/api/jobs/" + run.id())).path("flag");
  }

  @Test
  void pendingAlertsSurviveARestart() {
    receiver.refuseNext(Integer.MAX_VALUE);
    AlertConfig alerts = new AlertConfig(List.of(new AlertConfig.Webhook(receiver.url("/json"),
        AlertConfig.Format.JSON, false)), Duration.ofMillis(20), Duration.ofMillis(100));
    AgentSpans dying = new AgentSpans("payments");
    try (RunningCollector collector = new RunningCollector(dir, b -> b.alerts(alerts))) {
      long now = System.currentTimeMillis();
      Run run = Run.create("com.acme.Settle#run", now);
      http.export(collector.otlpPort(), dying.request(dying.jobStart(run, now),
          dying.heartbeat(100, now, new Active(run, 0, null, "RUNNABLE"))));
      await().atMost(Duration.ofSeconds(10)).until(() -> receiver.attempts.get() >= 2);
      assertEquals(1, depth(collector));
    }
    assertTrue(receiver.accepted.isEmpty());
    receiver.refuseNext(0);
    try (RunningCollector collector = new RunningCollector(dir, b -> b.alerts(alerts))) {
      await().atMost(Duration.ofSeconds(10)).until(() -> receiver.accepted.size() == 1);
      assertTrue(keyStartingWith("/json worker:" + dying.instanceId() + ":CRASHED:").length() > 0);
      await().atMost(Duration.ofSeconds(10)).until(() -> depth(collector) == 0);
      assertEquals(1, receiver.accepted.values().iterator().next().get());
    }
  }

  @Test
  void aJobNameFailingAgainAndAgainIsOneAlertWhileOthersAreNot() {
    AlertConfig alerts = new AlertConfig(List.of(
        new AlertConfig.Webhook(receiver.url("/json"), AlertConfig.Format.JSON, false),
        new AlertConfig.Webhook(receiver.url("/slack"), AlertConfig.Format.SLACK, false)),
        Duration.ofMillis(20), Duration.ofMillis(200)); // default thresholds: 10 failures, half the runs, 15m
    AgentSpans billing = new AgentSpans("billing");
    try (RunningCollector collector = new RunningCollector(dir, b -> b.alerts(alerts))) {
      long now = System.currentTimeMillis();
      // 2 failures in 20 runs: no storm.
      List<Span> mostly = new ArrayList<>();
      for (int i = 0; i < 20; i++) {
        Run run = Run.create("com.acme.Mostly#run", now);
        mostly.add(i % 10 == 9 ? failed(billing, run, now) : billing.jobEnd(run, now, JobOutcome.COMPLETED));
      }
      http.export(collector.otlpPort(), billing.request(mostly.toArray(Span[]::new)));
      // 12 failures, but a short-run summary of 100 completed runs: 12 of 112, no storm.
      http.export(collector.otlpPort(), billing.request(
          billing.heartbeatWithSummary(60_000, now, "com.acme.Short#run", 100, 500, 20)));
      for (int i = 0; i < 12; i++) {
        http.export(collector.otlpPort(), billing.request(failed(billing, Run.create("com.acme.Short#run", now), now)));
      }
      // 3 completed, then failures: the 10th is 10 of 13, a storm; a duplicate end never counts.
      for (int i = 0; i < 3; i++) {
        http.export(collector.otlpPort(), billing.request(
            billing.jobEnd(Run.create("com.acme.Sync#run", now), now, JobOutcome.COMPLETED)));
      }
      Run tenth = null;
      for (int i = 1; i <= 12; i++) {
        Run run = Run.create("com.acme.Sync#run", now);
        http.export(collector.otlpPort(), billing.request(failed(billing, run, now)));
        if (i == 9) {
          http.export(collector.otlpPort(), billing.request(failed(billing, run, now))); // sent again
        }
        tenth = i == 10 ? run : tenth;
      }

      // Every alert is in the outbox once the last export is acknowledged: the storm's delivered
      // and the outbox empty means whatever else there was is delivered too.
      String prefix = "failing:billing:com.acme.Sync#run:";
      await().atMost(Duration.ofSeconds(20)).until(() ->
          receiver.accepted.keySet().stream().filter(k -> k.contains(" " + prefix)).count() == 2 && depth(collector) == 0);
      String key = keyStartingWith("/json " + prefix);
      assertEquals(Set.of("/json " + key, "/slack " + key), receiver.accepted.keySet());
      receiver.accepted.forEach((k, times) -> assertEquals(1, times.get(), k + " accepted " + times + " times"));

      JsonNode alert = receiver.bodies.get("/json " + key);
      assertEquals(key, alert.path("idempotencyKey").asText());
      assertEquals("job_failing", alert.path("kind").asText());
      assertEquals("10 of 13 runs failed in the last 15m; latest: java.sql.SQLException: deadlock",
          alert.path("reason").asText());
      assertEquals("Job com.acme.Sync#run [billing] failing: 10 of 13 runs in 15m", alert.path("summary").asText());
      assertEquals(10, alert.path("failures").path("failed").asInt(), alert.toString());
      assertEquals(13, alert.path("failures").path("runs").asInt(), alert.toString());
      assertEquals(1, alert.path("jobs").size(), alert.toString());
      assertEquals(tenth.id(), alert.path("jobs").path(0).path("id").asText(), "the latest failed run");
      assertEquals("FAILED", alert.path("jobs").path(0).path("status").asText());
      JsonNode slack = receiver.bodies.get("/slack " + key);
      assertEquals("Job com.acme.Sync#run [billing] failing: 10 of 13 runs in 15m", slack.path("text").asText());
      assertTrue(slack.path("blocks").path(0).path("text").path("text").asText().contains("10 of 13 runs failed"),
          slack.toString());
    }
  }

  private static Span failed(AgentSpans worker, Run run, long at) {
    return worker.jobEnd(run, at, JobOutcome.FAILED, 0, "java.sql.SQLException", "deadlock");
  }

  private String keyStartingWith(String prefix) {
    return receiver.accepted.keySet().stream().filter(k -> k.startsWith(prefix)).findFirst()
        .map(k -> k.substring(k.indexOf(' ') + 1))
        .orElseThrow(() -> new AssertionError("no alert " + prefix + " in " + receiver.accepted.keySet()));
  }

  private long depth(RunningCollector collector) {
    String text = scrape(collector);
    for (String line : text.split("\n")) {
      if (line.startsWith("jobpulse_alert_outbox_depth ")) {
        return (long) Double.parseDouble(line.substring(line.indexOf(' ') + 1));
      }
    }
    throw new AssertionError("no outbox depth in " + text);
  }

  private String scrape(RunningCollector collector) {
    return new String(http.get(collector.api("/metrics")).body());
  }

  /** A webhook receiver: refuses (500) as told, then accepts and records by path and idempotency key. */
  private static final class Receiver {
    final HttpServer server;
    final AtomicInteger refused = new AtomicInteger();
    final AtomicInteger attempts = new AtomicInteger();
    final Map<String, AtomicInteger> accepted = new ConcurrentHashMap<>();
    final Map<String, JsonNode> bodies = new ConcurrentHashMap<>();

    Receiver() throws IOException {
      server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
      server.createContext("/", this::handle);
      server.start();
    }

    void refuseNext(int n) {
      refused.set(n);
    }

    URI url(String path) {
      return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + path);
    }

    private void handle(HttpExchange exchange) throws IOException {
      byte[] body = exchange.getRequestBody().readAllBytes();
      attempts.incrementAndGet();
      String key = exchange.getRequestURI().getPath() + " " + exchange.getRequestHeaders().getFirst("Idempotency-Key");
      if (refused.getAndUpdate(n -> n > 0 ? n - 1 : 0) > 0) {
        exchange.sendResponseHeaders(500, -1);
      } else {
        accepted.computeIfAbsent(key, k -> new AtomicInteger()).incrementAndGet();
        bodies.put(key, TestHttp.JSON.readTree(body));
        exchange.sendResponseHeaders(204, -1);
      }
      exchange.close();
    }
  }
}
