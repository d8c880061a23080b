package io.jobpulse.collector.otlp;

import static io.jobpulse.collector.testing.TestHttp.PROTOBUF;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.google.protobuf.util.JsonFormat;
import io.jobpulse.collector.testing.AgentSpans;
import io.jobpulse.collector.testing.AgentSpans.Run;
import io.jobpulse.collector.testing.RunningCollector;
import io.jobpulse.collector.testing.TestHttp;
import io.jobpulse.contract.AttributeKeys;
import io.jobpulse.contract.JobOutcome;
import io.jobpulse.contract.SpanNames;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceResponse;
import io.opentelemetry.proto.trace.v1.Span;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The OTLP/HTTP receiver against a real collector: encodings, limits and refusals. */
class OtlpReceiverTest {

  private static final int MAX_BODY = 64 * 1024;
  private static final int MAX_DECOMPRESSED = 256 * 1024;

  @TempDir Path dir;
  private final TestHttp http = new TestHttp();
  private final AgentSpans agent = new AgentSpans("receiver-test");
  private RunningCollector collector;

  @BeforeEach
  void start() {
    collector = new RunningCollector(dir, b -> b.maxRequestBytes(MAX_BODY).maxDecompressedBytes(MAX_DECOMPRESSED));
  }

  @AfterEach
  void stop() {
    collector.close();
  }

  @Test
  void protobufIsAcknowledgedWithAnExportResponseAfterItIsStored() throws Exception {
    Run run = Run.create("com.acme.Import#run", System.currentTimeMillis() - 1000);
    HttpResponse<byte[]> response = http.post(collector.otlpUrl(), PROTOBUF,
        agent.request(agent.jobEnd(run, System.currentTimeMillis(), JobOutcome.COMPLETED)).toByteArray());
    assertEquals(200, response.statusCode());
    assertEquals(PROTOBUF, response.headers().firstValue("content-type").orElseThrow());
    ExportTraceServiceResponse parsed = ExportTraceServiceResponse.parseFrom(response.body());
    assertEquals(0, parsed.getPartialSuccess().getRejectedSpans());
    // Durable before the 200: readable at once, no waiting.
    assertEquals("COMPLETED", http.getJson(collector.api("/api/jobs/" + run.id())).path("status").asText());
  }

  @Test
  void otlpJsonWithHexIdsIsAccepted() {
    Run run = Run.create("com.acme.Json#run", System.currentTimeMillis());
    ExportTraceServiceRequest request = agent.request(agent.jobStart(run, System.currentTimeMillis()));
    String json = hexIds(request);
    assertTrue(json.contains(run.traceId()), "the test body must carry hex ids: " + json);

    HttpResponse<byte[]> response = http.post(collector.otlpUrl(), "application/json", json.getBytes(StandardCharsets.UTF_8));
    assertEquals(200, response.statusCode(), new String(response.body()));
    assertTrue(response.headers().firstValue("content-type").orElseThrow().startsWith("application/json"));
    JsonNode job = http.getJson(collector.api("/api/jobs/" + run.id()));
    assertEquals("RUNNING", job.path("status").asText());
    assertEquals(run.traceId(), job.path("traceId").asText());
  }

  @Test
  void jsonWithBadHexIdsIs400WithAReason() {
    String body = "{\"resourceSpans\":[{\"scopeSpans\":[{\"spans\":[{\"traceId\":\"xyz\",\"spanId\":\"00f067aa0ba902b7\","
        + "\"name\":\"jobpulse.job\"}]}]}]}";
    HttpResponse<byte[]> response = http.post(collector.otlpUrl(), "application/json", body.getBytes(StandardCharsets.UTF_8));
    assertEquals(400, response.statusCode());
    assertTrue(new String(response.body()).contains("invalid traceId 'xyz'"), new String(response.body()));
  }

  @Test
  void gzipBodiesAreAcceptedAndDecompressionIsBounded() {
    Run run = Run.create("com.acme.Gzip#run", System.currentTimeMillis());
    HttpResponse<byte[]> ok = http.post(collector.otlpUrl(), PROTOBUF,
        TestHttp.gzip(agent.request(agent.jobStart(run, System.currentTimeMillis())).toByteArray()),
        "Content-Encoding", "gzip");
    assertEquals(200, ok.statusCode());
    assertEquals("RUNNING", http.getJson(collector.api("/api/jobs/" + run.id())).path("status").asText());

    byte[] bomb = TestHttp.gzip(new byte[MAX_DECOMPRESSED * 4]);
    assertTrue(bomb.length < MAX_BODY);
    HttpResponse<byte[]> tooLarge = http.post(collector.otlpUrl(), PROTOBUF, bomb, "Content-Encoding", "gzip");
    assertEquals(413, tooLarge.statusCode());
    assertTrue(new String(tooLarge.body(), StandardCharsets.ISO_8859_1).contains("decompressed body exceeds"));

    HttpResponse<byte[]> notGzip = http.post(collector.otlpUrl(), PROTOBUF, new byte[] {1, 2, 3}, "Content-Encoding", "gzip");
    assertEquals(400, notGzip.statusCode());
    assertStillWorks();
  }

  @Test
  void refusalsCarryTheRightStatusAndTheReceiverKeepsWorking() {
    HttpResponse<byte[]> malformed = http.post(collector.otlpUrl(), PROTOBUF, new byte[] {(byte) 0xff, 0x01, 0x02});
    assertEquals(400, malformed.statusCode());
    assertTrue(new String(malformed.body(), StandardCharsets.ISO_8859_1).contains("malformed protobuf"));

    assertEquals(400, http.post(collector.otlpUrl(), "application/json", "{not json".getBytes()).statusCode());
    assertEquals(415, http.post(collector.otlpUrl(), "text/plain", "hello".getBytes()).statusCode());
    assertEquals(415, http.post(collector.otlpUrl(), null, "hello".getBytes()).statusCode());
    assertEquals(413, http.post(collector.otlpUrl(), PROTOBUF, new byte[MAX_BODY + 1]).statusCode());
    assertEquals(404, http.post("http://127.0.0.1:" + collector.otlpPort() + "/v1/metrics", PROTOBUF, new byte[0])
        .statusCode());
    HttpResponse<byte[]> get = http.get(collector.otlpUrl());
    assertEquals(405, get.statusCode());
    assertEquals("POST", get.headers().firstValue("allow").orElseThrow());
    assertStillWorks();
  }

  @Test
  void brokenJobPulseSpansAreAPartialSuccessAndOthersAreIgnored() throws Exception {
    Span noId = Span.newBuilder().setName(SpanNames.JOB_START).build(); // no parent span id, no job id
    Span foreign = Span.newBuilder().setName("GET /orders").setSpanId(com.google.protobuf.ByteString.copyFrom(new byte[8]))
        .build();
    Span badInterval = agent.heartbeat(500, System.currentTimeMillis()).toBuilder()
        .addAttributes(AgentSpans.string(AttributeKeys.HEARTBEAT_ACTIVE_JOBS, "not-an-array")).build();
    HttpResponse<byte[]> response = http.post(collector.otlpUrl(), PROTOBUF,
        agent.request(noId, foreign, badInterval).toByteArray());
    assertEquals(200, response.statusCode());
    ExportTraceServiceResponse parsed = ExportTraceServiceResponse.parseFrom(response.body());
    assertEquals(2, parsed.getPartialSuccess().getRejectedSpans());
    assertTrue(parsed.getPartialSuccess().getErrorMessage().contains(AttributeKeys.JOB_ID),
        parsed.getPartialSuccess().getErrorMessage());
  }

  private void assertStillWorks() {
    Run run = Run.create("com.acme.After#run", System.currentTimeMillis());
    http.export(collector.otlpPort(), agent.request(agent.jobStart(run, System.currentTimeMillis())));
    await().atMost(Duration.ofSeconds(10)).untilAsserted(() ->
        assertEquals("RUNNING", http.getJson(collector.api("/api/jobs/" + run.id())).path("status").asText()));
  }

  /** OTLP/JSON as an OpenTelemetry SDK writes it: protobuf JSON, but trace and span ids in hex. */
  private static String hexIds(ExportTraceServiceRequest request) {
    try {
      ObjectNode root = (ObjectNode) TestHttp.JSON.readTree(JsonFormat.printer().print(request));
      for (JsonNode rs : root.path("resourceSpans")) {
        for (JsonNode ss : rs.path("scopeSpans")) {
          for (JsonNode span : ss.path("spans")) {
            for (String field : new String[] {"traceId", "spanId", "parentSpanId"}) {
              if (span.has(field)) {
                byte[] raw = java.util.Base64.getDecoder().decode(span.get(field).asText());
                ((ObjectNode) span).put(field, java.util.HexFormat.of().formatHex(raw));
              }
            }
          }
        }
      }
      return TestHttp.JSON.writeValueAsString(root);
    } catch (Exception e) {
      throw new AssertionError(e);
    }
  }
}
