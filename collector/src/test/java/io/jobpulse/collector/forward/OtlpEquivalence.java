package io.jobpulse.collector.forward;

import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.trace.v1.Span;
import java.util.Comparator;
import java.util.List;

/**
 * A span as OTLP means it, for comparing what was sent with what arrived through the SDK's
 * exporter: attributes in key order (the SDK sorts them), only the W3C trace flags (the SDK adds
 * its "is the parent remote" bits), an unspecified kind as {@code INTERNAL} and an unset status
 * written out (the SDK knows no "unspecified" kind and always writes a status).
 */
final class OtlpEquivalence {

  static Span normalize(Span span) {
    Span.Builder builder = span.toBuilder()
        .clearAttributes().addAllAttributes(sorted(span.getAttributesList()))
        .setFlags(span.getFlags() & 0xff)
        .setStatus(span.getStatus())
        .clearEvents().clearLinks();
    if (span.getKind() == Span.SpanKind.SPAN_KIND_UNSPECIFIED) {
      builder.setKind(Span.SpanKind.SPAN_KIND_INTERNAL);
    }
    for (Span.Event event : span.getEventsList()) {
      builder.addEvents(event.toBuilder().clearAttributes().addAllAttributes(sorted(event.getAttributesList())));
    }
    for (Span.Link link : span.getLinksList()) {
      builder.addLinks(link.toBuilder().clearAttributes().addAllAttributes(sorted(link.getAttributesList()))
          .setFlags(link.getFlags() & 0xff));
    }
    return builder.build();
  }

  static List<KeyValue> sorted(List<KeyValue> attributes) {
    return attributes.stream().sorted(Comparator.comparing(KeyValue::getKey)).toList();
  }

  private OtlpEquivalence() {}
}
