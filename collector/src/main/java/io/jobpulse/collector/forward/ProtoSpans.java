package io.jobpulse.collector.forward;

import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.common.AttributesBuilder;
import io.opentelemetry.api.common.Value;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.TraceFlags;
import io.opentelemetry.api.trace.TraceState;
import io.opentelemetry.api.trace.propagation.W3CTraceContextPropagator;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.propagation.TextMapGetter;
import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.common.v1.InstrumentationScope;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.trace.v1.ResourceSpans;
import io.opentelemetry.proto.trace.v1.ScopeSpans;
import io.opentelemetry.proto.trace.v1.Status;
import io.opentelemetry.sdk.common.InstrumentationScopeInfo;
import io.opentelemetry.sdk.resources.Resource;
import io.opentelemetry.sdk.trace.data.EventData;
import io.opentelemetry.sdk.trace.data.LinkData;
import io.opentelemetry.sdk.trace.data.StatusData;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;

/**
 * Turns received OTLP proto spans into the SDK's {@code SpanData}, faithfully: ids, parent, flags,
 * trace state, kind, times, attributes of every type (arrays, maps and bytes too), events, links,
 * status, dropped counts, resource and scope. Stateless.
 *
 * <p>The SDK has no "unspecified" span kind: such spans leave as {@code INTERNAL}, as the SDK
 * would have recorded them.
 */
final class ProtoSpans {

  private static final HexFormat HEX = HexFormat.of();
  /** Bits 8 and 9 of a span's or link's {@code flags}: whether the parent's remoteness is known, and is it. */
  private static final int HAS_IS_REMOTE = 0x100;
  private static final int IS_REMOTE = 0x200;
  private static final String TRACEPARENT = "traceparent";
  private static final String TRACESTATE = "tracestate";

  private static final TextMapGetter<Map<String, String>> MAP_GETTER = new TextMapGetter<>() {
    @Override
    public Iterable<String> keys(Map<String, String> carrier) {
      return carrier.keySet();
    }

    @Override
    public String get(Map<String, String> carrier, String key) {
      return carrier == null ? null : carrier.get(key);
    }
  };

  static Origin origin(ResourceSpans resourceSpans, ScopeSpans scopeSpans) {
    Resource resource = Resource.create(attributes(resourceSpans.getResource().getAttributesList()),
        emptyToNull(resourceSpans.getSchemaUrl()));
    InstrumentationScope scope = scopeSpans.getScope();
    InstrumentationScopeInfo scopeInfo = InstrumentationScopeInfo.builder(scope.getName())
        .setVersion(emptyToNull(scope.getVersion()))
        .setSchemaUrl(emptyToNull(scopeSpans.getSchemaUrl()))
        .setAttributes(attributes(scope.getAttributesList()))
        .build();
    return new Origin(resource, scopeInfo);
  }

  /**
   * The span as {@code SpanData}, or {@code null} when its trace or span id is not a valid W3C id
   * (no backend could place it).
   */
  static ForwardedSpan span(io.opentelemetry.proto.trace.v1.Span span, Origin origin) {
    String traceId = HEX.formatHex(span.getTraceId().toByteArray());
    String spanId = HEX.formatHex(span.getSpanId().toByteArray());
    int flags = span.getFlags();
    SpanContext context = SpanContext.create(traceId, spanId, TraceFlags.fromByte((byte) flags),
        traceState(traceId, spanId, span.getTraceState()));
    if (!context.isValid()) {
      return null;
    }
    SpanContext parent = SpanContext.getInvalid();
    if (!span.getParentSpanId().isEmpty()) {
      String parentId = HEX.formatHex(span.getParentSpanId().toByteArray());
      // Only the parent's id travels in OTLP; its flags and state are the child's.
      parent = (flags & IS_REMOTE) != 0
          ? SpanContext.createFromRemoteParent(traceId, parentId, context.getTraceFlags(), TraceState.getDefault())
          : SpanContext.create(traceId, parentId, context.getTraceFlags(), TraceState.getDefault());
    }
    Attributes attributes = attributes(span.getAttributesList());
    List<EventData> events = new ArrayList<>(span.getEventsCount());
    for (io.opentelemetry.proto.trace.v1.Span.Event event : span.getEventsList()) {
      Attributes eventAttributes = attributes(event.getAttributesList());
      events.add(EventData.create(event.getTimeUnixNano(), event.getName(), eventAttributes,
          eventAttributes.size() + event.getDroppedAttributesCount()));
    }
    List<LinkData> links = new ArrayList<>(span.getLinksCount());
    for (io.opentelemetry.proto.trace.v1.Span.Link link : span.getLinksList()) {
      String linkTraceId = HEX.formatHex(link.getTraceId().toByteArray());
      String linkSpanId = HEX.formatHex(link.getSpanId().toByteArray());
      TraceFlags linkFlags = TraceFlags.fromByte((byte) link.getFlags());
      TraceState linkState = traceState(linkTraceId, linkSpanId, link.getTraceState());
      SpanContext linked = (link.getFlags() & (HAS_IS_REMOTE | IS_REMOTE)) == (HAS_IS_REMOTE | IS_REMOTE)
          ? SpanContext.createFromRemoteParent(linkTraceId, linkSpanId, linkFlags, linkState)
          : SpanContext.create(linkTraceId, linkSpanId, linkFlags, linkState);
      Attributes linkAttributes = attributes(link.getAttributesList());
      links.add(LinkData.create(linked, linkAttributes, linkAttributes.size() + link.getDroppedAttributesCount()));
    }
    return new ForwardedSpan(span.getName(), kind(span.getKind()), context, parent, status(span.getStatus()),
        span.getStartTimeUnixNano(), span.getEndTimeUnixNano(), attributes,
        attributes.size() + span.getDroppedAttributesCount(), events, events.size() + span.getDroppedEventsCount(),
        links, links.size() + span.getDroppedLinksCount(), origin);
  }

  static Attributes attributes(List<KeyValue> keyValues) {
    if (keyValues.isEmpty()) {
      return Attributes.empty();
    }
    AttributesBuilder builder = Attributes.builder();
    for (KeyValue kv : keyValues) {
      put(builder, kv.getKey(), kv.getValue());
    }
    return builder.build();
  }

  /** Scalars and homogeneous arrays keep their typed keys; anything else travels as a {@code Value}. */
  private static void put(AttributesBuilder builder, String key, AnyValue value) {
    switch (value.getValueCase()) {
      case STRING_VALUE -> builder.put(key, value.getStringValue());
      case BOOL_VALUE -> builder.put(key, value.getBoolValue());
      case INT_VALUE -> builder.put(key, value.getIntValue());
      case DOUBLE_VALUE -> builder.put(key, value.getDoubleValue());
      case ARRAY_VALUE -> putArray(builder, key, value.getArrayValue().getValuesList());
      default -> builder.put(AttributeKey.valueKey(key), value(value));
    }
  }

  private static void putArray(AttributesBuilder builder, String key, List<AnyValue> values) {
    AnyValue.ValueCase type = values.isEmpty() ? AnyValue.ValueCase.STRING_VALUE : values.get(0).getValueCase();
    for (AnyValue element : values) {
      if (element.getValueCase() != type) {
        builder.put(AttributeKey.valueKey(key), arrayValue(values));
        return;
      }
    }
    switch (type) {
      case STRING_VALUE -> builder.put(AttributeKey.stringArrayKey(key), values.stream().map(AnyValue::getStringValue).toList());
      case BOOL_VALUE -> builder.put(AttributeKey.booleanArrayKey(key), values.stream().map(AnyValue::getBoolValue).toList());
      case INT_VALUE -> builder.put(AttributeKey.longArrayKey(key), values.stream().map(AnyValue::getIntValue).toList());
      case DOUBLE_VALUE -> builder.put(AttributeKey.doubleArrayKey(key), values.stream().map(AnyValue::getDoubleValue).toList());
      default -> builder.put(AttributeKey.valueKey(key), arrayValue(values));
    }
  }

  private static Value<?> value(AnyValue value) {
    return switch (value.getValueCase()) {
      case STRING_VALUE -> Value.of(value.getStringValue());
      case BOOL_VALUE -> Value.of(value.getBoolValue());
      case INT_VALUE -> Value.of(value.getIntValue());
      case DOUBLE_VALUE -> Value.of(value.getDoubleValue());
      case BYTES_VALUE -> Value.of(value.getBytesValue().toByteArray());
      case ARRAY_VALUE -> arrayValue(value.getArrayValue().getValuesList());
      case KVLIST_VALUE -> {
        List<io.opentelemetry.api.common.KeyValue> entries = new ArrayList<>();
        for (KeyValue kv : value.getKvlistValue().getValuesList()) {
          entries.add(io.opentelemetry.api.common.KeyValue.of(kv.getKey(), value(kv.getValue())));
        }
        yield Value.of(entries.toArray(io.opentelemetry.api.common.KeyValue[]::new));
      }
      default -> Value.empty();
    };
  }

  private static Value<?> arrayValue(List<AnyValue> values) {
    List<Value<?>> elements = new ArrayList<>(values.size());
    for (AnyValue element : values) {
      elements.add(value(element));
    }
    return Value.of(elements);
  }

  private static SpanKind kind(io.opentelemetry.proto.trace.v1.Span.SpanKind kind) {
    return switch (kind) {
      case SPAN_KIND_SERVER -> SpanKind.SERVER;
      case SPAN_KIND_CLIENT -> SpanKind.CLIENT;
      case SPAN_KIND_PRODUCER -> SpanKind.PRODUCER;
      case SPAN_KIND_CONSUMER -> SpanKind.CONSUMER;
      default -> SpanKind.INTERNAL;
    };
  }

  private static StatusData status(Status status) {
    StatusCode code = switch (status.getCode()) {
      case STATUS_CODE_OK -> StatusCode.OK;
      case STATUS_CODE_ERROR -> StatusCode.ERROR;
      default -> StatusCode.UNSET;
    };
    return StatusData.create(code, status.getMessage());
  }

  /** The W3C {@code tracestate} header, parsed by the API's own propagator. */
  private static TraceState traceState(String traceId, String spanId, String w3c) {
    if (w3c.isEmpty()) {
      return TraceState.getDefault();
    }
    Context context = W3CTraceContextPropagator.getInstance().extract(Context.root(),
        Map.of(TRACEPARENT, "00-" + traceId + "-" + spanId + "-01", TRACESTATE, w3c), MAP_GETTER);
    return Span.fromContext(context).getSpanContext().getTraceState();
  }

  private static String emptyToNull(String s) {
    return s.isEmpty() ? null : s;
  }

  private ProtoSpans() {}
}
