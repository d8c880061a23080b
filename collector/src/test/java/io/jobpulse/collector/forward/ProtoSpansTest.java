package io.jobpulse.collector.forward;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import io.jobpulse.collector.testing.AgentSpans;
import io.jobpulse.collector.testing.OtlpSink;
import io.jobpulse.contract.AttributeKeys;
import io.jobpulse.contract.SpanNames;
import io.opentelemetry.exporter.otlp.http.trace.OtlpHttpSpanExporter;
import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.common.v1.ArrayValue;
import io.opentelemetry.proto.common.v1.InstrumentationScope;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.common.v1.KeyValueList;
import io.opentelemetry.proto.resource.v1.Resource;
import io.opentelemetry.proto.trace.v1.ResourceSpans;
import io.opentelemetry.proto.trace.v1.ScopeSpans;
import io.opentelemetry.proto.trace.v1.Span;
import io.opentelemetry.proto.trace.v1.Status;
import io.opentelemetry.sdk.common.CompletableResultCode;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * A received proto span becomes {@code SpanData} faithfully: exported by the SDK's own OTLP
 * exporter to a real receiver, it arrives as it was received.
 */
class ProtoSpansTest {

  private static final HexFormat HEX = HexFormat.of();

  @Test
  void aSpanSurvivesTheRoundTripThroughSpanDataAndTheSdkExporter() {
    Span original = richSpan();
    ResourceSpans resourceSpans = ResourceSpans.newBuilder()
        .setResource(Resource.newBuilder()
            .addAttributes(AgentSpans.string(AttributeKeys.SERVICE_NAME, "billing"))
            .addAttributes(AgentSpans.string(AttributeKeys.SERVICE_INSTANCE_ID, "6c1d4f5e-0000-4000-8000-000000000001"))
            .addAttributes(AgentSpans.integer(AttributeKeys.PROCESS_PID, 4242))
            .addAttributes(AgentSpans.string("deployment.environment.name", "prod")))
        .addScopeSpans(ScopeSpans.newBuilder()
            .setScope(InstrumentationScope.newBuilder().setName(SpanNames.INSTRUMENTATION_SCOPE).setVersion("1.2.3")
                .addAttributes(AgentSpans.string("scope.attr", "x")))
            .addSpans(original))
        .build();

    ForwardedSpan data = ProtoSpans.span(original, ProtoSpans.origin(resourceSpans, resourceSpans.getScopeSpans(0)));

    try (OtlpSink sink = new OtlpSink()) {
      OtlpHttpSpanExporter exporter = OtlpHttpSpanExporter.builder().setEndpoint(sink.baseUrl() + "/v1/traces").build();
      try {
        CompletableResultCode result = exporter.export(List.of(data)).join(30, TimeUnit.SECONDS);
        assertTrue(result.isSuccess(), "the export failed");
      } finally {
        exporter.shutdown().join(10, TimeUnit.SECONDS);
      }
      await().atMost(Duration.ofSeconds(30)).until(() -> sink.spans().size() == 1);
      OtlpSink.Received received = sink.spans().get(0);
      assertEquals(OtlpEquivalence.normalize(original), OtlpEquivalence.normalize(received.span()));
      assertEquals(OtlpEquivalence.sorted(resourceSpans.getResource().getAttributesList()),
          OtlpEquivalence.sorted(received.resource().getAttributesList()));
      assertEquals(sortedAttributes(resourceSpans.getScopeSpans(0).getScope()), sortedAttributes(received.scope()));
    }
  }

  @Test
  void aSpanWithoutValidIdsIsRefused() {
    ResourceSpans resourceSpans = ResourceSpans.newBuilder().addScopeSpans(ScopeSpans.getDefaultInstance()).build();
    Origin origin = ProtoSpans.origin(resourceSpans, resourceSpans.getScopeSpans(0));
    assertNull(ProtoSpans.span(Span.newBuilder().setName(SpanNames.JOB).build(), origin));
    assertNull(ProtoSpans.span(richSpan().toBuilder().setSpanId(ByteString.copyFrom(new byte[8])).build(), origin));
  }

  /** Every field a span can carry, attribute values of every type included. */
  private static Span richSpan() {
    String traceId = AgentSpans.newTraceId();
    return Span.newBuilder()
        .setTraceId(bytes(traceId))
        .setSpanId(bytes(AgentSpans.newSpanId()))
        .setParentSpanId(bytes(AgentSpans.newSpanId()))
        .setTraceState("vendor=abc,other=1")
        .setFlags(1)
        .setName(SpanNames.JOB)
        .setKind(Span.SpanKind.SPAN_KIND_CONSUMER)
        .setStartTimeUnixNano(1_700_000_000_123_456_789L)
        .setEndTimeUnixNano(1_700_000_005_987_654_321L)
        .addAttributes(AgentSpans.string(AttributeKeys.JOB_NAME, "com.acme.Billing#run"))
        .addAttributes(AgentSpans.integer(AttributeKeys.PROGRESS_DONE, 41))
        .addAttributes(kv("a.double", AnyValue.newBuilder().setDoubleValue(2.5).build()))
        .addAttributes(kv("a.bool", AnyValue.newBuilder().setBoolValue(true).build()))
        .addAttributes(kv(AttributeKeys.HEARTBEAT_ACTIVE_JOBS, array(str("a1"), str("b2"))))
        .addAttributes(kv("empty.array", AnyValue.newBuilder().setArrayValue(ArrayValue.getDefaultInstance()).build()))
        .addAttributes(kv("longs", array(AnyValue.newBuilder().setIntValue(1).build(), AnyValue.newBuilder().setIntValue(2).build())))
        .addAttributes(kv("mixed", array(str("x"), AnyValue.newBuilder().setIntValue(3).build())))
        .addAttributes(kv("a.map", AnyValue.newBuilder().setKvlistValue(KeyValueList.newBuilder()
            .addValues(kv("inner", str("v")))).build()))
        .addAttributes(kv("some.bytes", AnyValue.newBuilder().setBytesValue(ByteString.copyFrom(new byte[] {1, 2, 3})).build()))
        .setDroppedAttributesCount(2)
        .addEvents(Span.Event.newBuilder().setName(SpanNames.EVENT_EXCEPTION).setTimeUnixNano(1_700_000_005_000_000_001L)
            .addAttributes(AgentSpans.string(AttributeKeys.EXCEPTION_TYPE, "java.io.IOException"))
            .addAttributes(AgentSpans.string(AttributeKeys.EXCEPTION_MESSAGE, "disk gone"))
            .setDroppedAttributesCount(1))
        .setDroppedEventsCount(3)
        .addLinks(Span.Link.newBuilder().setTraceId(bytes(AgentSpans.newTraceId())).setSpanId(bytes(AgentSpans.newSpanId()))
            .setTraceState("k=v").setFlags(1).addAttributes(AgentSpans.string("link.kind", "retry-of")))
        .setDroppedLinksCount(1)
        .setStatus(Status.newBuilder().setCode(Status.StatusCode.STATUS_CODE_ERROR).setMessage("disk gone"))
        .build();
  }

  private static InstrumentationScope sortedAttributes(InstrumentationScope scope) {
    return scope.toBuilder().clearAttributes().addAllAttributes(OtlpEquivalence.sorted(scope.getAttributesList())).build();
  }

  private static KeyValue kv(String key, AnyValue value) {
    return KeyValue.newBuilder().setKey(key).setValue(value).build();
  }

  private static AnyValue str(String value) {
    return AnyValue.newBuilder().setStringValue(value).build();
  }

  private static AnyValue array(AnyValue... values) {
    return AnyValue.newBuilder().setArrayValue(ArrayValue.newBuilder().addAllValues(List.of(values))).build();
  }

  private static ByteString bytes(String hex) {
    return ByteString.copyFrom(HEX.parseHex(hex));
  }
}
