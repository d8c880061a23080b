package io.jobpulse.collector.otlp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jobpulse.collector.testing.AgentSpans;
import io.jobpulse.collector.testing.AgentSpans.Run;
import io.jobpulse.contract.AttributeKeys;
import io.jobpulse.contract.JobOutcome;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.CompositeByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.proto.trace.v1.Span;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The body as the receiver gets it: one heap array, or several direct buffers gathered by the
 * HTTP aggregator (copied through a reused array, which must never show in a decoded request).
 */
class OtlpBodyDecoderTest {

  private static final long NOW = 1_700_000_000_000L;
  private final AgentSpans agent = new AgentSpans("body-test");
  private final OtlpBodyDecoder decoder = new OtlpBodyDecoder(64 * 1024 * 1024);
  private final List<ByteBuf> buffers = new ArrayList<>();

  @AfterEach
  void release() {
    buffers.forEach(ByteBuf::release);
  }

  @Test
  void aBodyOfSeveralDirectBuffersDecodesAsItsBytesAndIsLeftUnread() throws Exception {
    ExportTraceServiceRequest request = requestOf(3, "com.acme.Gathered#run");
    ByteBuf body = aggregated(request.toByteArray(), 100);
    int readerIndex = body.readerIndex();

    assertEquals(request, decoder.decode(body, OtlpFormat.PROTOBUF, null));
    assertEquals(readerIndex, body.readerIndex());
    assertEquals(request, decoder.decode(body, OtlpFormat.PROTOBUF, "identity"), "the same body decodes again");
  }

  @Test
  void aHeapBodyIsReadInPlaceFromItsOffset() throws Exception {
    ExportTraceServiceRequest request = requestOf(2, "com.acme.Heap#run");
    byte[] bytes = request.toByteArray();
    byte[] padded = new byte[bytes.length + 10];
    System.arraycopy(bytes, 0, padded, 7, bytes.length);
    ByteBuf body = Unpooled.wrappedBuffer(padded).slice(7, bytes.length); // an array offset the decoder must honour

    assertEquals(request, decoder.decode(body, OtlpFormat.PROTOBUF, null));
  }

  @Test
  void aDecodedRequestKeepsNothingOfTheArrayTheNextBodyIsCopiedInto() throws Exception {
    ExportTraceServiceRequest first = requestOf(4, "com.acme.First#run");
    ExportTraceServiceRequest second = requestOf(4, "com.acme.Other#run");
    ExportTraceServiceRequest decodedFirst = decoder.decode(aggregated(first.toByteArray(), 512), OtlpFormat.PROTOBUF, null);

    decoder.decode(aggregated(second.toByteArray(), 512), OtlpFormat.PROTOBUF, null); // same thread, same array
    assertEquals(first, decodedFirst);
    assertEquals(first.toByteString(), decodedFirst.toByteString());
  }

  @Test
  void aBodyLargerThanWhatAThreadKeepsDecodesToo() throws Exception {
    ExportTraceServiceRequest request = requestOf(6_000, "com.acme.Large#run");
    byte[] bytes = request.toByteArray();
    assertTrue(bytes.length > 1024 * 1024, "over the kept array's bound: " + bytes.length);

    assertEquals(request, decoder.decode(aggregated(bytes, 8192), OtlpFormat.PROTOBUF, null));
    ExportTraceServiceRequest small = requestOf(1, "com.acme.Small#run");
    assertEquals(small, decoder.decode(aggregated(small.toByteArray(), 8192), OtlpFormat.PROTOBUF, null));
  }

  @Test
  void malformedBodiesAreRefusedWithAReasonWhateverTheirLayout() {
    byte[] valid = requestOf(2, "com.acme.Cut#run").toByteArray();
    for (ByteBuf body : List.of(aggregated(Arrays.copyOf(valid, valid.length - 3), 64),
        Unpooled.wrappedBuffer(Arrays.copyOf(valid, valid.length - 3)),
        aggregated(new byte[] {0x0C}, 64))) { // a stray end-group tag (field 1): not a message
      OtlpException refused = assertThrows(OtlpException.class, () -> decoder.decode(body, OtlpFormat.PROTOBUF, null));
      assertEquals(HttpResponseStatus.BAD_REQUEST, refused.status());
      assertTrue(refused.getMessage().startsWith("malformed protobuf ExportTraceServiceRequest: "), refused.getMessage());
    }
  }

  @Test
  void jsonIsReadFromGatheredBuffersToo() throws Exception {
    String json = "{\"resourceSpans\":[{\"scopeSpans\":[{\"spans\":[{\"traceId\":\"4bf92f3577b34da6a3ce929d0e0e4736\","
        + "\"spanId\":\"00f067aa0ba902b7\",\"name\":\"jobpulse.job\",\"attributes\":[{\"key\":\""
        + AttributeKeys.JOB_NAME + "\",\"value\":{\"stringValue\":\"com.acme.Json#run\"}}]}]}]}]}";
    ExportTraceServiceRequest decoded = decoder.decode(aggregated(json.getBytes(), 16), OtlpFormat.JSON, null);

    Span span = decoded.getResourceSpans(0).getScopeSpans(0).getSpans(0);
    assertEquals("jobpulse.job", span.getName());
    assertEquals("com.acme.Json#run", span.getAttributes(0).getValue().getStringValue());
    assertEquals(8, span.getSpanId().size());
  }

  /** A request of {@code runs} ended runs of one worker. */
  private ExportTraceServiceRequest requestOf(int runs, String name) {
    Span[] spans = new Span[runs];
    for (int i = 0; i < runs; i++) {
      spans[i] = agent.jobEnd(Run.create(name + i, NOW - 1000), NOW, JobOutcome.COMPLETED);
    }
    return agent.request(spans);
  }

  /** {@code bytes} as slices of {@code chunk} bytes of a direct buffer, gathered as HttpObjectAggregator does. */
  private ByteBuf aggregated(byte[] bytes, int chunk) {
    ByteBuf read = Unpooled.directBuffer(bytes.length).writeBytes(bytes);
    CompositeByteBuf body = Unpooled.compositeBuffer(Integer.MAX_VALUE);
    for (int offset = 0; offset < bytes.length; offset += chunk) {
      body.addComponent(true, read.retainedSlice(offset, Math.min(chunk, bytes.length - offset)));
    }
    read.release();
    buffers.add(body);
    return body;
  }
}
