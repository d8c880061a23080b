package io.jobpulse.collector.otlp;

import io.jobpulse.collector.state.ErrorClassifier;
import io.jobpulse.collector.state.JobError;
import io.jobpulse.collector.state.SpanEvent;
import io.jobpulse.collector.state.SpanEvent.ActiveRun;
import io.jobpulse.collector.state.SpanEvent.RunAttributes;
import io.jobpulse.collector.state.SpanEvent.RunSummary;
import io.jobpulse.collector.state.WorkerIdentity;
import io.jobpulse.contract.AttributeKeys;
import io.jobpulse.contract.ConfigKeys;
import io.jobpulse.contract.Durations;
import io.jobpulse.contract.JobOutcome;
import io.jobpulse.contract.SpanNames;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.proto.trace.v1.ResourceSpans;
import io.opentelemetry.proto.trace.v1.ScopeSpans;
import io.opentelemetry.proto.trace.v1.Span;
import io.opentelemetry.proto.trace.v1.Status;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads the wire contract (otel-config/README.md) out of one request's OTLP spans: one instance
 * per request, on the receiver's I/O thread. The spans come as parsed messages ({@link
 * #decode(ExportTraceServiceRequest)}) or straight from the request's protobuf bytes ({@link
 * #decode(byte[], int, int)}, through {@link WireSpans}); either way each span is first taken into
 * {@link SpanFields}, so both readings mean the same. It runs for every span, so the good path
 * allocates little beyond the events it returns.
 */
final class SpanDecoder {

  private static final long DEFAULT_INTERVAL_MS = Durations.parse(ConfigKeys.DEFAULT_HEARTBEAT_INTERVAL).toMillis();

  /** Names, thread names and workers' identities as shared copies. */
  private final RecentStrings recent;
  private final AttributeValues resource = new AttributeValues(SpanFields.RESOURCE_KEYS);
  private final SpanFields span = new SpanFields();
  private final List<SpanEvent> events = new ArrayList<>();
  /** The current resource's worker, or {@code null} when its spans are to be rejected. */
  private WorkerIdentity worker;
  /** Why the current resource's JobPulse spans are rejected, when {@link #worker} is null. */
  private String unusableResource;
  private long spans;
  private long rejected;
  private String reason;

  private SpanDecoder(RecentStrings recent) {
    this.recent = recent;
  }

  static DecodedSpans decode(ExportTraceServiceRequest request) {
    SpanDecoder decoder = new SpanDecoder(RecentStrings.ofThisThread());
    for (ResourceSpans resourceSpans : request.getResourceSpansList()) {
      decoder.resource().select(resourceSpans.getResource().getAttributesList());
      decoder.resourceRead();
      for (ScopeSpans scopeSpans : resourceSpans.getScopeSpansList()) {
        for (Span span : scopeSpans.getSpansList()) {
          decoder.span().fill(span);
          decoder.spanRead();
        }
      }
    }
    return decoder.decoded();
  }

  /**
   * Reads the spans of the protobuf {@code ExportTraceServiceRequest} in {@code body[offset, offset
   * + length)}, the same as {@link #decode(ExportTraceServiceRequest)} would read them parsed.
   */
  static DecodedSpans decode(byte[] body, int offset, int length) throws OtlpException {
    SpanDecoder decoder = new SpanDecoder(RecentStrings.ofThisThread());
    WireSpans.read(body, offset, length, decoder);
    return decoder.decoded();
  }

  /** The attributes of the next resource, to be filled; {@link #resourceRead} once they are. */
  AttributeValues resource() {
    return resource;
  }

  /** The resource's attributes are all read: its spans follow. */
  void resourceRead() {
    worker = null;
    unusableResource = null;
    try {
      String instanceId = resource.string(SpanFields.INSTANCE_ID);
      if (instanceId != null) {
        worker = new WorkerIdentity(recent.canonical(instanceId),
            recent.canonical(resource.string(SpanFields.SERVICE)), resource.longOrNull(SpanFields.PID),
            recent.canonical(resource.string(SpanFields.HOST)),
            recent.canonical(resource.string(SpanFields.AGENT_VERSION)));
      }
    } catch (IllegalArgumentException e) {
      // A resource attribute of the wrong type: its JobPulse spans are rejected, not the request.
      unusableResource = "its resource's " + e.getMessage();
    }
  }

  /** The fields of the resource's next span, to be filled; {@link #spanRead} once they are. */
  SpanFields span() {
    return span;
  }

  /** The span's fields are all read: its event, when it is a JobPulse span. */
  void spanRead() {
    spans++;
    if (span.name < 0) {
      return;
    }
    try {
      if (worker == null) {
        throw new IllegalArgumentException(unusableResource != null ? unusableResource
            : "its resource has no " + AttributeKeys.SERVICE_INSTANCE_ID);
      }
      events.add(event());
    } catch (IllegalArgumentException e) {
      rejected++;
      if (reason == null) {
        reason = "span '" + SpanFields.NAMES[span.name] + "' rejected: " + e.getMessage();
      }
    }
  }

  private DecodedSpans decoded() {
    return new DecodedSpans(events, spans, rejected, reason);
  }

  private SpanEvent event() {
    switch (span.name) {
      case SpanFields.JOB_START: {
        // The start span is a child of the run's span (whose id ends the agent's run id).
        String jobSpanId = span.parentSpanId.hex();
        RunAttributes run = run(jobSpanId);
        return new SpanEvent.JobStarted(worker, run, span.traceId.hex(),
            jobSpanId != null ? jobSpanId : run.id(), millis(span.startNanos), millis(span.endNanos));
      }
      case SpanFields.JOB_PENDING: {
        // Like the start span, a child of the run's span; its start is the enqueue time.
        String jobSpanId = span.parentSpanId.hex();
        RunAttributes run = run(jobSpanId);
        return new SpanEvent.JobPending(worker, run, span.traceId.hex(),
            jobSpanId != null ? jobSpanId : run.id(), millis(span.startNanos), millis(span.endNanos));
      }
      case SpanFields.JOB: {
        String spanId = span.spanId.hex();
        RunAttributes run = run(spanId);
        JobOutcome outcome = outcome();
        return new SpanEvent.JobEnded(worker, run, span.traceId.hex(),
            spanId != null ? spanId : run.id(), millis(span.startNanos), millis(span.endNanos),
            outcome, outcome == JobOutcome.FAILED ? error() : null, emptyToNull(span.statusMessage));
      }
      case SpanFields.HEARTBEAT:
        return heartbeat();
      default:
        return new SpanEvent.WorkerStopped(worker, span.attributes.strings(SpanFields.ABANDONED_JOBS));
    }
  }

  private RunAttributes run(String fallbackId) {
    AttributeValues attributes = span.attributes;
    String id = attributes.string(SpanFields.ID);
    if (id == null) {
      id = fallbackId;
    }
    if (id == null || id.isBlank()) {
      throw new IllegalArgumentException("no " + AttributeKeys.JOB_ID);
    }
    long attempt = attributes.longValue(SpanFields.ATTEMPT, 1);
    long done = attributes.longValue(SpanFields.DONE, 0);
    return new RunAttributes(hashed(id), recent.canonical(attributes.string(SpanFields.NAME)),
        attributes.string(SpanFields.BUSINESS_ID), attributes.string(SpanFields.PARENT_ID), attempt,
        recent.canonical(attributes.string(SpanFields.THREAD)), done, attributes.longOrNull(SpanFields.TOTAL),
        attributes.string(SpanFields.PREVIOUS_ATTEMPT_ID), attributes.longOrNull(SpanFields.QUEUE_WAIT_MS));
  }

  /** The outcome of the span's run. */
  private JobOutcome outcome() {
    String wire = span.attributes.string(SpanFields.OUTCOME);
    JobOutcome outcome = wire == null ? null : JobOutcome.fromWire(wire);
    if (wire != null && outcome == null) {
      throw new IllegalArgumentException("unknown " + AttributeKeys.JOB_OUTCOME + " '" + wire + "'");
    }
    if (outcome != null) {
      return outcome;
    }
    return span.statusCode == Status.StatusCode.STATUS_CODE_ERROR_VALUE ? JobOutcome.FAILED : JobOutcome.COMPLETED;
  }

  private JobError error() {
    for (int i = 0; i < span.eventCount(); i++) {
      SpanFields.Event event = span.event(i);
      if (event.name == SpanFields.EVENT_EXCEPTION) {
        String type = event.attributes.string(SpanFields.EXCEPTION_TYPE);
        String message = event.attributes.string(SpanFields.EXCEPTION_MESSAGE);
        return new JobError(type, message != null ? message : emptyToNull(span.statusMessage),
            ErrorClassifier.categorize(type, message));
      }
    }
    return new JobError(null, emptyToNull(span.statusMessage), ErrorClassifier.UNKNOWN);
  }

  private SpanEvent.Heartbeat heartbeat() {
    AttributeValues attributes = span.attributes;
    long interval = attributes.longValue(SpanFields.INTERVAL_MS, 0);
    List<ActiveRun> active = new ArrayList<>(span.eventCount());
    List<RunSummary> summaries = new ArrayList<>();
    for (int i = 0; i < span.eventCount(); i++) {
      SpanFields.Event event = span.event(i);
      AttributeValues e = event.attributes;
      if (event.name == SpanFields.EVENT_JOB_ACTIVE) {
        String id = e.string(SpanFields.ACTIVE_ID);
        if (id == null) {
          throw new IllegalArgumentException("a " + SpanNames.EVENT_JOB_ACTIVE + " event has no " + AttributeKeys.JOB_ID);
        }
        long done = e.longValue(SpanFields.ACTIVE_DONE, 0);
        active.add(new ActiveRun(hashed(id), recent.canonical(e.string(SpanFields.ACTIVE_NAME)), done,
            e.longOrNull(SpanFields.ACTIVE_TOTAL), recent.canonical(e.string(SpanFields.ACTIVE_THREAD)),
            recent.canonical(e.string(SpanFields.ACTIVE_THREAD_STATE)),
            e.isTrue(SpanFields.ACTIVE_STACK_MOVED), e.string(SpanFields.ACTIVE_STACK_TOP)));
      } else if (event.name == SpanFields.EVENT_JOB_SUMMARY) {
        String name = e.string(SpanFields.SUMMARY_NAME);
        Long count = e.longOrNull(SpanFields.SUMMARY_COUNT);
        if (name == null || count == null) {
          throw new IllegalArgumentException("a " + SpanNames.EVENT_JOB_SUMMARY + " event needs "
              + AttributeKeys.JOB_NAME + " and " + AttributeKeys.SUMMARY_COUNT);
        }
        summaries.add(new RunSummary(name, count, e.longValue(SpanFields.SUMMARY_TOTAL_MS, 0),
            e.longValue(SpanFields.SUMMARY_MAX_MS, 0)));
      }
    }
    return new SpanEvent.Heartbeat(worker, interval <= 0 ? DEFAULT_INTERVAL_MS : interval,
        hashed(attributes.strings(SpanFields.ACTIVE_JOBS)), active, summaries,
        attributes.strings(SpanFields.PENDING_JOBS), attributes.longOrNull(SpanFields.DROPPED_RUNS));
  }

  private static long millis(long unixNanos) {
    return unixNanos / 1_000_000L;
  }

  /**
   * Computes {@code s}'s hash here, on the I/O thread: a String keeps its hash once computed, and
   * the single ingest thread looks every run id up in several maps (worker ids and job names get
   * theirs in {@link RecentStrings}).
   */
  private static String hashed(String s) {
    if (s != null) {
      s.hashCode();
    }
    return s;
  }

  private static List<String> hashed(List<String> ids) {
    for (String id : ids) {
      id.hashCode();
    }
    return ids;
  }

  private static String emptyToNull(String s) {
    return s == null || s.isEmpty() ? null : s;
  }
}
