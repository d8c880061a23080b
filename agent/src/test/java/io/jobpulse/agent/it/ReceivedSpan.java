package io.jobpulse.agent.it;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.trace.v1.Span;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** One span as the in-test OTLP receiver decoded it, with its resource. */
final class ReceivedSpan {

  /** One span event. */
  static final class Event {
    final String name;
    final Map<String, Object> attributes;

    Event(String name, Map<String, Object> attributes) {
      this.name = name;
      this.attributes = attributes;
    }
  }

  final String name;
  final String traceId;
  final String spanId;
  final String parentSpanId;
  final long startEpochNanos;
  final Map<String, Object> attributes;
  final Map<String, Object> resource;
  final List<Event> events = new ArrayList<>();
  final boolean error;
  final String statusMessage;

  ReceivedSpan(Span span, Map<String, Object> resource) {
    this.name = span.getName();
    this.traceId = hex(span.getTraceId().toByteArray());
    this.spanId = hex(span.getSpanId().toByteArray());
    this.parentSpanId = hex(span.getParentSpanId().toByteArray());
    this.startEpochNanos = span.getStartTimeUnixNano();
    this.attributes = toMap(span.getAttributesList());
    this.resource = resource;
    for (Span.Event event : span.getEventsList()) {
      events.add(new Event(event.getName(), toMap(event.getAttributesList())));
    }
    this.error = span.getStatus().getCode() == io.opentelemetry.proto.trace.v1.Status.StatusCode.STATUS_CODE_ERROR;
    this.statusMessage = span.getStatus().getMessage();
  }

  /**
   * The span id a {@code jobpulse.job.id} ends with: an id is 12 hex digits of its run's start
   * (epoch ms), then its span id.
   */
  static String spanIdOf(String jobId) {
    assertTrue(jobId != null && jobId.matches("[0-9a-f]{28}"), "not a job id: " + jobId);
    return jobId.substring(12);
  }

  /** The {@code jobpulse.job.id} of the run whose {@code jobpulse.job} span this is, opened at its start. */
  String jobIdOfItsStart() {
    return String.format("%012x", startEpochNanos / 1_000_000) + spanId;
  }

  String attr(String key) {
    Object value = attributes.get(key);
    return value == null ? null : value.toString();
  }

  static Map<String, Object> toMap(List<KeyValue> keyValues) {
    Map<String, Object> map = new LinkedHashMap<>();
    for (KeyValue keyValue : keyValues) {
      map.put(keyValue.getKey(), value(keyValue.getValue()));
    }
    return map;
  }

  private static Object value(AnyValue value) {
    switch (value.getValueCase()) {
      case STRING_VALUE:
        return value.getStringValue();
      case INT_VALUE:
        return value.getIntValue();
      case BOOL_VALUE:
        return value.getBoolValue();
      case DOUBLE_VALUE:
        return value.getDoubleValue();
      case ARRAY_VALUE:
        List<Object> list = new ArrayList<>();
        for (AnyValue element : value.getArrayValue().getValuesList()) {
          list.add(value(element));
        }
        return list;
      default:
        return value.toString();
    }
  }

  private static String hex(byte[] bytes) {
    StringBuilder hex = new StringBuilder(bytes.length * 2);
    for (byte b : bytes) {
      hex.append(Character.forDigit((b >> 4) & 0xf, 16)).append(Character.forDigit(b & 0xf, 16));
    }
    return hex.toString();
  }

  @Override
  public String toString() {
    return name + attributes;
  }
}
