package io.jobpulse.collector.forward;

import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.sdk.common.InstrumentationLibraryInfo;
import io.opentelemetry.sdk.common.InstrumentationScopeInfo;
import io.opentelemetry.sdk.resources.Resource;
import io.opentelemetry.sdk.trace.data.EventData;
import io.opentelemetry.sdk.trace.data.LinkData;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.data.StatusData;
import java.util.List;

/**
 * An ended span the collector did not record itself (one it received, or a job end it
 * synthesized), as the SDK's exporters take it. Immutable.
 */
final class ForwardedSpan implements SpanData {

  private final String name;
  private final SpanKind kind;
  private final SpanContext spanContext;
  private final SpanContext parentSpanContext;
  private final StatusData status;
  private final long startEpochNanos;
  private final long endEpochNanos;
  private final Attributes attributes;
  private final int totalAttributeCount;
  private final List<EventData> events;
  private final int totalRecordedEvents;
  private final List<LinkData> links;
  private final int totalRecordedLinks;
  private final Origin origin;

  ForwardedSpan(String name, SpanKind kind, SpanContext spanContext, SpanContext parentSpanContext,
      StatusData status, long startEpochNanos, long endEpochNanos, Attributes attributes, int totalAttributeCount,
      List<EventData> events, int totalRecordedEvents, List<LinkData> links, int totalRecordedLinks,
      Origin origin) {
    this.name = name;
    this.kind = kind;
    this.spanContext = spanContext;
    this.parentSpanContext = parentSpanContext;
    this.status = status;
    this.startEpochNanos = startEpochNanos;
    this.endEpochNanos = endEpochNanos;
    this.attributes = attributes;
    this.totalAttributeCount = totalAttributeCount;
    this.events = List.copyOf(events);
    this.totalRecordedEvents = totalRecordedEvents;
    this.links = List.copyOf(links);
    this.totalRecordedLinks = totalRecordedLinks;
    this.origin = origin;
  }

  @Override
  public String getName() {
    return name;
  }

  @Override
  public SpanKind getKind() {
    return kind;
  }

  @Override
  public SpanContext getSpanContext() {
    return spanContext;
  }

  @Override
  public SpanContext getParentSpanContext() {
    return parentSpanContext;
  }

  @Override
  public StatusData getStatus() {
    return status;
  }

  @Override
  public long getStartEpochNanos() {
    return startEpochNanos;
  }

  @Override
  public Attributes getAttributes() {
    return attributes;
  }

  @Override
  public List<EventData> getEvents() {
    return events;
  }

  @Override
  public List<LinkData> getLinks() {
    return links;
  }

  @Override
  public long getEndEpochNanos() {
    return endEpochNanos;
  }

  @Override
  public boolean hasEnded() {
    return true;
  }

  @Override
  public int getTotalRecordedEvents() {
    return totalRecordedEvents;
  }

  @Override
  public int getTotalRecordedLinks() {
    return totalRecordedLinks;
  }

  @Override
  public int getTotalAttributeCount() {
    return totalAttributeCount;
  }

  @Override
  @SuppressWarnings("deprecation") // still abstract in SpanData; exporters read the scope
  public InstrumentationLibraryInfo getInstrumentationLibraryInfo() {
    InstrumentationScopeInfo scope = origin.scope();
    return InstrumentationLibraryInfo.create(scope.getName(), scope.getVersion(), scope.getSchemaUrl());
  }

  @Override
  public InstrumentationScopeInfo getInstrumentationScopeInfo() {
    return origin.scope();
  }

  @Override
  public Resource getResource() {
    return origin.resource();
  }

  @Override
  public String toString() {
    return "ForwardedSpan{" + name + " " + spanContext.getTraceId() + "/" + spanContext.getSpanId() + "}";
  }
}
