package io.jobpulse.collector.metrics;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.sun.net.httpserver.HttpServer;
import io.grpc.ManagedChannel;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.jobpulse.collector.forward.ForwardConfig;
import io.jobpulse.collector.testing.AgentSpans;
import io.jobpulse.collector.testing.AgentSpans.Active;
import io.jobpulse.collector.testing.AgentSpans.Run;
import io.jobpulse.collector.testing.RunningCollector;
import io.jobpulse.collector.testing.TestHttp;
import io.jobpulse.contract.JobOutcome;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.proto.collector.trace.v1.TraceServiceGrpc;
import java.io.File;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code GET /metrics} on a real collector, checked by Prometheus's own {@code promtool}. */
class MetricsEndpointTest {

  @TempDir Path dir;
  private final TestHttp http = new TestHttp();

  @Test
  void countsRunsWorkersIngestAndDetections() {
    AgentSpans agent = new AgentSpans("metrics");
    AgentSpans dying = new AgentSpans("metrics");
    try (RunningCollector collector = new RunningCollector(dir)) {
      long now = System.currentTimeMillis();
      Run running = Run.create("com.acme.Live#run", now);
      http.export(collector.otlpPort(), agent.request(
          agent.jobEnd(Run.create("com.acme.Ok#run", now - 10), now, JobOutcome.COMPLETED),
          agent.jobEnd(Run.create("com.acme.Ok#run", now - 10), now, JobOutcome.COMPLETED),
          agent.jobEnd(Run.create("com.acme.Bad#run", now - 10), now, JobOutcome.FAILED, 0, "java.io.IOException", "x"),
          agent.jobStart(running, now),
          agent.heartbeat(60_000, now, new Active(running, 0, null, "RUNNABLE"))));
      // A heartbeat that moves only the running job's progress: held back, and yet shown at once.
      http.export(collector.otlpPort(), agent.request(
          agent.heartbeat(60_000, now + 1, new Active(running, 5, null, "RUNNABLE"))));
      Run crashed = Run.create("com.acme.Dies#run", now);
      http.export(collector.otlpPort(), dying.request(dying.jobStart(crashed, now),
          dying.heartbeat(100, now, new Active(crashed, 0, null, "RUNNABLE"))));
      assertEquals(400, http.post(collector.otlpUrl(), TestHttp.PROTOBUF, new byte[] {1, 2, 3}).statusCode());
      assertEquals(415, http.post(collector.otlpUrl(), "text/plain", new byte[] {1}).statusCode());

      String text = await().atMost(Duration.ofSeconds(10)).until(() -> scrape(collector),
          t -> value(t, "jobpulse_jobs{status=\"CRASHED\"}") == 1);
      assertEquals(2, value(text, "jobpulse_jobs{status=\"COMPLETED\"}"));
      assertEquals(1, value(text, "jobpulse_jobs{status=\"FAILED\"}"));
      assertEquals(1, value(text, "jobpulse_jobs{status=\"RUNNING\"}"));
      assertEquals(1, value(text, "jobpulse_jobs_flagged{flag=\"CRASHED\"}"));
      assertEquals(0, value(text, "jobpulse_jobs_flagged{flag=\"STUCK\"}"));
      assertEquals(1, value(text, "jobpulse_workers{state=\"ALIVE\"}"));
      assertEquals(1, value(text, "jobpulse_runs_written_behind"));
      assertEquals(5, http.getJson(collector.api("/api/jobs/" + running.id())).path("progress").path("done").asLong());
      assertEquals(1, value(text, "jobpulse_workers{state=\"DEAD\"}"));
      assertEquals(1, value(text, "jobpulse_detection_latency_seconds_count{flag=\"CRASHED\"}"));
      assertEquals(1, value(text, "jobpulse_detection_latency_seconds_bucket{flag=\"CRASHED\",le=\"+Inf\"}"));
      assertEquals(5, value(text, "jobpulse_ingest_requests_total{transport=\"http\"}"));
      assertEquals(8, value(text, "jobpulse_ingest_spans_total"));
      assertTrue(value(text, "jobpulse_ingest_bytes_total{transport=\"http\"}") > 100);
      assertEquals(1, value(text, "jobpulse_ingest_errors_total{reason=\"bad_request\"}"));
      assertEquals(1, value(text, "jobpulse_ingest_errors_total{reason=\"unsupported_media_type\"}"));
      assertEquals(0, value(text, "jobpulse_false_positives_total"));
      // The detector's ticks: one of them declared the silent worker dead and flagged its run.
      assertTrue(value(text, "jobpulse_detector_tick_seconds_count") >= 1, text);
      assertTrue(value(text, "jobpulse_detector_tick_seconds_bucket{le=\"+Inf\"}") >= 1, text);
      assertEquals(1, value(text, "jobpulse_detector_runs_flagged_total"));
      assertTrue(value(text, "jobpulse_detector_workers_examined_total") >= 2, "both workers were alive once");
      assertTrue(value(text, "jobpulse_detector_tick_workers_examined") >= 1, text);
      assertTrue(value(text, "jobpulse_detector_tick_deadlines_examined") >= 0, text);
      assertTrue(value(text, "jobpulse_detector_tick_runs_flagged") >= 0, text);
      assertTrue(value(text, "jobpulse_detector_deadlines_examined_total") >= 0, text);

      // A late end contradicts the crash.
      http.export(collector.otlpPort(), dying.request(dying.jobEnd(crashed, System.currentTimeMillis(), JobOutcome.COMPLETED)));
      text = scrape(collector);
      assertEquals(1, value(text, "jobpulse_false_positives_total"));
      assertEquals(0, value(text, "jobpulse_jobs{status=\"CRASHED\"}"));
      assertEquals(3, value(text, "jobpulse_jobs{status=\"COMPLETED\"}"));
      for (String line : text.split("\n")) {
        assertTrue(line.isEmpty() || line.startsWith("# ") || line.startsWith("jobpulse_"), line);
      }
    }
    // Counts are durable: they are not rebuilt by a scan but read back.
    try (RunningCollector collector = new RunningCollector(dir)) {
      String text = scrape(collector);
      assertEquals(3, value(text, "jobpulse_jobs{status=\"COMPLETED\"}"));
      assertEquals(1, value(text, "jobpulse_false_positives_total"));
    }
  }

  @Test
  void countsGrpcExports() throws Exception {
    try (RunningCollector collector = new RunningCollector(dir)) {
      AgentSpans agent = new AgentSpans("metrics");
      ManagedChannel channel = NettyChannelBuilder.forAddress("127.0.0.1", collector.otlpGrpcPort()).usePlaintext().build();
      try {
        long now = System.currentTimeMillis();
        ExportTraceServiceRequest request = agent.request(
            agent.jobEnd(Run.create("com.acme.Grpc#run", now - 10), now, JobOutcome.COMPLETED));
        TraceServiceGrpc.newBlockingStub(channel).withDeadlineAfter(30, TimeUnit.SECONDS).export(request);
        String text = scrape(collector);
        assertEquals(1, value(text, "jobpulse_ingest_requests_total{transport=\"grpc\"}"));
        assertEquals(request.getSerializedSize(), value(text, "jobpulse_ingest_bytes_total{transport=\"grpc\"}"));
        assertEquals(1, value(text, "jobpulse_ingest_spans_total"));
      } finally {
        channel.shutdownNow().awaitTermination(10, TimeUnit.SECONDS);
      }
    }
  }

  @Test
  void countsForwardedSpans() throws Exception {
    HttpServer backend = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    backend.createContext("/", exchange -> {
      exchange.getRequestBody().readAllBytes();
      exchange.getResponseHeaders().set("Content-Type", TestHttp.PROTOBUF);
      exchange.sendResponseHeaders(200, -1);
      exchange.close();
    });
    backend.start();
    try (RunningCollector collector = new RunningCollector(dir, b -> b.forward(
        ForwardConfig.builder("http://127.0.0.1:" + backend.getAddress().getPort()).build()))) {
      AgentSpans agent = new AgentSpans("metrics");
      long now = System.currentTimeMillis();
      http.export(collector.otlpPort(), agent.request(
          agent.jobEnd(Run.create("com.acme.Ok#run", now - 10), now, JobOutcome.COMPLETED)));
      await().atMost(Duration.ofSeconds(20)).until(
          () -> value(scrape(collector), "jobpulse_forward_spans_total{outcome=\"exported\"}") >= 1);
      assertEquals(0, value(scrape(collector), "jobpulse_forward_spans_total{outcome=\"dropped\"}"));
    } finally {
      backend.stop(0);
    }
  }

  @Test
  void promtoolAcceptsTheExposition() throws Exception {
    File promtool = onPath("promtool");
    assumeTrue(promtool != null, "promtool (Debian package prometheus) is not installed");
    try (RunningCollector collector = new RunningCollector(dir)) {
      AgentSpans agent = new AgentSpans("metrics");
      long now = System.currentTimeMillis();
      http.export(collector.otlpPort(), agent.request(
          agent.jobEnd(Run.create("com.acme.Ok#run", now - 10), now, JobOutcome.COMPLETED)));
      Path exposition = dir.resolve("metrics.txt");
      Files.writeString(exposition, scrape(collector));
      Process check = new ProcessBuilder(promtool.getPath(), "check", "metrics")
          .redirectInput(exposition.toFile()).redirectErrorStream(true).start();
      assertTrue(check.waitFor(60, TimeUnit.SECONDS), "promtool did not finish");
      String output = new String(check.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      assertEquals(0, check.exitValue(), output);
    }
  }

  private String scrape(RunningCollector collector) {
    HttpResponse<byte[]> response = http.get(collector.api("/metrics"));
    assertEquals(200, response.statusCode());
    String type = response.headers().firstValue("Content-Type").orElse("");
    assertTrue(type.startsWith("text/plain; version=0.0.4"), type);
    return new String(response.body(), StandardCharsets.UTF_8);
  }

  /** The value of the sample {@code series} (name and labels exactly as printed); -1 when absent. */
  private static double value(String text, String series) {
    Matcher m = Pattern.compile("^" + Pattern.quote(series) + " (\\S+)$", Pattern.MULTILINE).matcher(text);
    return m.find() ? Double.parseDouble(m.group(1)) : -1;
  }

  private static File onPath(String command) throws IOException {
    for (String directory : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
      File candidate = new File(directory, command);
      if (candidate.canExecute()) {
        return candidate;
      }
    }
    return null;
  }
}
