package io.jobpulse.collector.hostile;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import com.google.protobuf.CodedOutputStream;
import io.jobpulse.collector.testing.AgentSpans;
import io.jobpulse.collector.testing.AgentSpans.Run;
import io.jobpulse.collector.testing.RunningCollector;
import io.jobpulse.collector.testing.TestHttp;
import io.jobpulse.contract.AttributeKeys;
import io.jobpulse.contract.LeaseProtocol;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceResponse;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What a hostile or broken sender can put on the OTLP port. Each case gets a clear 4xx with a
 * reason within seconds (never a 5xx, never silence), and afterwards the collector still serves
 * and holds the jobs it had, unchanged.
 */
class HostileOtlpInputTest {

  private static final int MAX_BODY = 256 * 1024;
  private static final int MAX_DECOMPRESSED = 1024 * 1024;

  @TempDir Path dir;
  private final TestHttp http = new TestHttp();
  private final AgentSpans agent = new AgentSpans("hostile");
  private RunningCollector collector;
  private Sentinel sentinel;

  @BeforeEach
  void start() {
    collector = new RunningCollector(dir, c -> c.maxRequestBytes(MAX_BODY).maxDecompressedBytes(MAX_DECOMPRESSED));
    sentinel = Sentinel.seed(collector, http);
  }

  @AfterEach
  void stillServesWithTheSameJobs() {
    try {
      sentinel.assertUnchanged();
      http.export(collector.otlpPort(), agent.request(agent.jobStart(Run.create("com.acme.After#run", now()), now())));
    } finally {
      collector.close();
    }
  }

  @Test
  void anEmptyProtobufBodyIsTheEmptyRequestAndAnEmptyJsonBodyIsRefused() {
    // Zero bytes are the valid encoding of an ExportTraceServiceRequest with no spans (OTLP: 200).
    assertEquals(200, post(TestHttp.PROTOBUF, new byte[0]).statusCode());
    assertRefused(400, "not a JSON object", post("application/json", new byte[0]));
  }

  @Test
  void truncatedAndRandomProtobufIs400() {
    byte[] valid = agent.request(agent.jobStart(Run.create("com.acme.Truncated#run", now()), now())).toByteArray();
    for (int length : new int[] {1, 7, valid.length / 2, valid.length - 1}) {
      assertRefused(400, "malformed protobuf", post(TestHttp.PROTOBUF, Arrays.copyOf(valid, length)));
    }
    byte[] random = new byte[4096];
    new Random(7).nextBytes(random);
    random[0] = 0x0F; // field 1 with wire type 7, which does not exist
    assertRefused(400, "malformed protobuf", post(TestHttp.PROTOBUF, random));
  }

  @Test
  void jsonOfTheWrongShapeIs400() {
    for (String body : List.of("[]", "\"text\"", "42", "null", "{\"resourceSpans\":\"x\"}",
        "{\"resourceSpans\":[{\"scopeSpans\":[{\"spans\":[{\"traceId\":5}]}]}]}",
        "{\"resourceSpans\":[{\"scopeSpans\":[{\"spans\":[{\"name\":{\"a\":1}}]}]}]}",
        "{\"resourceSpans\":[{\"scopeSpans\":[{\"spans\":[{\"startTimeUnixNano\":\"yesterday\"}]}]}]}",
        "{\"resourceSpans\":[{\"resource\":{\"attributes\":[{\"key\":\"k\",\"value\":{\"intValue\":\"abc\"}}]}}]}",
        "{\"resourceSpans\":[{\"scopeSpans\":[{\"spans\":[{\"spanId\":\"zzzzzzzzzzzzzzzz\"}]}]}]}",
        "{\"resourceSpans\": [")) {
      assertRefused(400, "", post("application/json", body.getBytes(StandardCharsets.UTF_8)));
    }
  }

  @Test
  void aJobPulseAttributeOfTheWrongTypeIsAPartialSuccess() throws Exception {
    Run run = Run.create("com.acme.WrongType#run", now());
    HttpResponse<byte[]> response = post(TestHttp.PROTOBUF, agent.request(
        agent.jobStart(run, now(), AgentSpans.string(AttributeKeys.JOB_ATTEMPT, "the third"))).toByteArray());
    assertEquals(200, response.statusCode());
    ExportTraceServiceResponse parsed = ExportTraceServiceResponse.parseFrom(response.body());
    assertEquals(1, parsed.getPartialSuccess().getRejectedSpans());
    assertTrue(parsed.getPartialSuccess().getErrorMessage().contains(AttributeKeys.JOB_ATTEMPT),
        parsed.getPartialSuccess().getErrorMessage());
    assertEquals(404, http.get(collector.api("/api/jobs/" + run.id())).statusCode(), "a rejected span has no effect");
  }

  @Test
  void aResourceAttributeOfTheWrongTypeRejectsItsSpansNotTheConnection() throws Exception {
    Run run = Run.create("com.acme.WrongResource#run", now());
    io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest.Builder request =
        agent.request(agent.jobStart(run, now())).toBuilder();
    request.getResourceSpansBuilder(0).getResourceBuilder()
        .addAttributes(AgentSpans.string(AttributeKeys.PROCESS_PID, "not a pid"));
    request.getResourceSpansBuilder(0).getResourceBuilder().removeAttributes(2); // the agent's own pid
    HttpResponse<byte[]> response = post(TestHttp.PROTOBUF, request.build().toByteArray());
    assertEquals(200, response.statusCode());
    ExportTraceServiceResponse parsed = ExportTraceServiceResponse.parseFrom(response.body());
    assertEquals(1, parsed.getPartialSuccess().getRejectedSpans());
    assertTrue(parsed.getPartialSuccess().getErrorMessage().contains(AttributeKeys.PROCESS_PID),
        parsed.getPartialSuccess().getErrorMessage());
  }

  @Test
  void absurdNestingIs400() {
    int depth = 10_000;
    String deepJson = "{\"resourceSpans\":" + "[".repeat(depth) + "]".repeat(depth) + "}";
    assertRefused(400, "", post("application/json", deepJson.getBytes(StandardCharsets.UTF_8)));
    // Values nest in OTLP itself (an attribute's array of arrays of ...): deep, but under JSON's own limit.
    String deepValue = "{\"arrayValue\":{\"values\":[".repeat(400) + "{\"intValue\":1}" + "]}}".repeat(400);
    String deepAttribute = "{\"resourceSpans\":[{\"resource\":{\"attributes\":[{\"key\":\"deep\",\"value\":"
        + deepValue + "}]}}]}";
    assertRefused(400, "", post("application/json", deepAttribute.getBytes(StandardCharsets.UTF_8)));
    assertRefused(400, "malformed protobuf", post(TestHttp.PROTOBUF, nestedAnyValueRequest(depth)));
  }

  @Test
  void invalidUtf8Is400() {
    byte[] span = concat(field(1, new byte[16]), field(2, new byte[8]), field(5, new byte[] {'j', (byte) 0xC3, 0x28}));
    byte[] request = field(1, field(2, field(2, span))); // resourceSpans { scopeSpans { spans { name: <bad> } } }
    assertRefused(400, "malformed protobuf", post(TestHttp.PROTOBUF, request));
    byte[] json = "{\"resourceSpans\":[{\"scopeSpans\":[{\"spans\":[{\"name\":\"j\u00ff\"}]}]}]}"
        .getBytes(StandardCharsets.ISO_8859_1); // a lone 0xFF: not UTF-8
    assertRefused(400, "", post("application/json", json));
  }

  @Test
  void aBodyOverTheLimitIs413() {
    byte[] head = ("POST /v1/traces HTTP/1.1\r\nHost: x\r\nContent-Type: application/x-protobuf\r\nContent-Length: "
        + (MAX_BODY + 1) + "\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1);
    RawHttp.Response declared = RawHttp.exchange(collector.otlpPort(), concat(head, new byte[1024]), Duration.ofSeconds(10));
    assertEquals(413, declared.status(), declared.toString());
    // Chunked: the size is known only as the chunks arrive.
    ByteArrayOutputStream chunked = new ByteArrayOutputStream();
    chunked.writeBytes(("POST /v1/traces HTTP/1.1\r\nHost: x\r\nContent-Type: application/x-protobuf\r\n"
        + "Transfer-Encoding: chunked\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1));
    for (int sent = 0; sent <= MAX_BODY; sent += 65536) {
      chunked.writeBytes("10000\r\n".getBytes(StandardCharsets.ISO_8859_1));
      chunked.writeBytes(new byte[65536]);
      chunked.writeBytes("\r\n".getBytes(StandardCharsets.ISO_8859_1));
    }
    RawHttp.Response streamed = RawHttp.exchange(collector.otlpPort(), chunked.toByteArray(), Duration.ofSeconds(10));
    assertEquals(413, streamed.status(), streamed.toString());
  }

  @Test
  void aGzipBombIs413AndBrokenGzipIs400() {
    byte[] bomb = TestHttp.gzip(new byte[64 * MAX_DECOMPRESSED]); // 64 MiB of zeros in ~64 KiB
    assertTrue(bomb.length < MAX_BODY);
    assertRefused(413, "decompressed body exceeds", post(TestHttp.PROTOBUF, bomb, "Content-Encoding", "gzip"));
    byte[] broken = Arrays.copyOf(TestHttp.gzip(new byte[1000]), 12);
    assertRefused(400, "gzip", post(TestHttp.PROTOBUF, broken, "Content-Encoding", "gzip"));
    assertRefused(400, "gzip", post(TestHttp.PROTOBUF, "not gzip at all".getBytes(StandardCharsets.UTF_8),
        "Content-Encoding", "gzip"));
  }

  @Test
  void wrongContentTypesAndEncodingsAre415() {
    byte[] valid = agent.request(agent.jobStart(Run.create("com.acme.Type#run", now()), now())).toByteArray();
    for (String type : List.of("text/plain", "application/xml", "application/grpc", "multipart/form-data; boundary=x")) {
      assertRefused(415, "Content-Type", post(type, valid));
    }
    assertRefused(415, "Content-Type", post(null, valid));
    assertRefused(415, "Content-Encoding", post(TestHttp.PROTOBUF, valid, "Content-Encoding", "br"));
  }

  @Test
  void unknownPathsAndMethodsAre404And405() {
    assertRefused(404, "no such path", http.get("http://127.0.0.1:" + collector.otlpPort() + "/"));
    assertRefused(404, "no such path", http.post("http://127.0.0.1:" + collector.otlpPort() + "/v1/metrics",
        TestHttp.PROTOBUF, new byte[0]));
    assertRefused(405, "use POST", http.get(collector.otlpUrl()));
    assertRefused(405, "use POST", http.request("DELETE", collector.otlpUrl()));
    RawHttp.Response brew = RawHttp.exchange(collector.otlpPort(), "BREW /v1/traces HTTP/1.1\r\nHost: x\r\n\r\n");
    assertEquals(405, brew.status(), brew.toString());
    RawHttp.Response lease = RawHttp.exchange(collector.otlpPort(), "POST " + LeaseProtocol.PATH
        + " HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\n\r\n");
    assertEquals(400, lease.status(), lease.toString());
  }

  @Test
  void malformedHttpGetsItsOwn4xx() {
    RawHttp.Response longLine = RawHttp.exchange(collector.otlpPort(),
        "POST /v1/traces?" + "a".repeat(100_000) + " HTTP/1.1\r\nHost: x\r\n\r\n");
    assertEquals(414, longLine.status(), longLine.toString());
    RawHttp.Response bigHeader = RawHttp.exchange(collector.otlpPort(),
        "POST /v1/traces HTTP/1.1\r\nHost: x\r\nX-Big: " + "b".repeat(100_000) + "\r\n\r\n");
    assertEquals(431, bigHeader.status(), bigHeader.toString());
    RawHttp.Response manyHeaders = RawHttp.exchange(collector.otlpPort(),
        "POST /v1/traces HTTP/1.1\r\nHost: x\r\n" + "X-H: v\r\n".repeat(5_000) + "\r\n");
    assertEquals(431, manyHeaders.status(), manyHeaders.toString());
    RawHttp.Response badEscape = RawHttp.exchange(collector.otlpPort(),
        "POST /v1/traces%ZZ HTTP/1.1\r\nHost: x\r\nContent-Type: application/x-protobuf\r\nContent-Length: 0\r\n\r\n");
    assertEquals(400, badEscape.status(), badEscape.toString());
    assertTrue(badEscape.body().contains("malformed request URI"), badEscape.body());
    byte[] garbage = new byte[512];
    new Random(3).nextBytes(garbage);
    garbage[0] = 0x01;
    RawHttp.Response noise = RawHttp.exchange(collector.otlpPort(), concat(garbage, "\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1)),
        Duration.ofSeconds(10));
    assertEquals(400, noise.status(), noise.toString());
  }

  private HttpResponse<byte[]> post(String contentType, byte[] body, String... headers) {
    return http.post(collector.otlpUrl(), contentType, body, headers);
  }

  /** A 4xx whose body (a google.rpc.Status, JSON or protobuf) says {@code reason}. */
  private static void assertRefused(int status, String reason, HttpResponse<byte[]> response) {
    String body = new String(response.body(), StandardCharsets.UTF_8);
    assertEquals(status, response.statusCode(), body);
    assertTrue(body.contains(reason) && !body.isBlank(), "the reason is missing from: " + body);
  }

  /** resourceSpans { resource { attributes { key: "deep" value: {array {values {array ... }}} } } }, by hand. */
  private static byte[] nestedAnyValueRequest(int depth) {
    byte[] value = {0x18, 0x01}; // AnyValue { int_value: 1 } (field 3, varint)
    for (int i = 0; i < depth; i++) {
      value = field(5, field(1, value)); // AnyValue { array_value: ArrayValue { values: <value> } }
    }
    byte[] keyValue = concat(field(1, "deep".getBytes(StandardCharsets.UTF_8)), field(2, value));
    return field(1, field(1, field(1, keyValue)));
  }

  /** A length-delimited protobuf field. */
  private static byte[] field(int number, byte[] content) {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    CodedOutputStream out = CodedOutputStream.newInstance(bytes);
    try {
      out.writeBytes(number, ByteString.copyFrom(content));
      out.flush();
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
    return bytes.toByteArray();
  }

  private static byte[] concat(byte[]... parts) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (byte[] part : parts) {
      out.writeBytes(part);
    }
    return out.toByteArray();
  }

  private static long now() {
    return System.currentTimeMillis();
  }
}
