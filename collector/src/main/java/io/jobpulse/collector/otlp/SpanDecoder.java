package io.jobpulse.collector.otlp;

import static io.jobpulse.collector.otlp.OtlpAttributes.longOrNull;
import static io.jobpulse.collector.otlp.OtlpAttributes.longValue;
import static io.jobpulse.collector.otlp.OtlpAttributes.string;
import static io.jobpulse.collector.otlp.OtlpAttributes.strings;

import com.google.protobuf.ByteString;
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
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.trace.v1.ResourceSpans;
import io.opentelemetry.proto.trace.v1.ScopeSpans;
import io.opentelemetry.proto.trace.v1.Span;
import io.opentelemetry.proto.trace.v1.Status;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

/**
 * Reads the wire contract (otel-config/README.md) out of one request's OTLP spans: one instance
 * per request, on the receiver's I/O thread. It runs for every span, so the good path allocates
 * little beyond the events it returns, and reads each span's attributes in one pass.
 */
final class SpanDecoder {

  private static final HexFormat HEX = HexFormat.of();
  private static final long DEFAULT_INTERVAL_MS = Durations.parse(ConfigKeys.DEFAULT_HEARTBEAT_INTERVAL).toMillis();
  /** Trace ids are 16 bytes, span ids 8; a longer id (never valid OTLP) is copied out instead. */
  private static final int ID_BYTES = 16;

  /** The keys of a run's attributes, in the order the agent writes them. */
  private static final int ID = 0;
  private static final int NAME = 1;
  private static final int ATTEMPT = 2;
  private static final int THREAD = 3;
  private static final int DONE = 4;
  private static final int TOTAL = 5;
  private static final int OUTCOME = 6;
  private static final int BUSINESS_ID = 7;
  private static final int PARENT_ID = 8;
  private static final int PREVIOUS_ATTEMPT_ID = 9;
  private static final int QUEUE_WAIT_MS = 10;

  /** The keys of a {@code jobpulse.job.active} event's attributes, in the order the agent writes them. */
  private static final int ACTIVE_ID = 0;
  private static final int ACTIVE_NAME = 1;
  private static final int ACTIVE_DONE = 2;
  private static final int ACTIVE_THREAD = 3;
  private static final int ACTIVE_THREAD_STATE = 4;
  private static final int ACTIVE_STACK_MOVED = 5;
  private static final int ACTIVE_STACK_TOP = 6;
  private static final int ACTIVE_TOTAL = 7;

  /** An id's bytes on their way to hex, so each id costs its string alone. */
  private final byte[] idBytes = new byte[ID_BYTES];
  /** The current span's run attributes (keys indexed as above). */
  private final OtlpAttributes.Selection runKeys = new OtlpAttributes.Selection(AttributeKeys.JOB_ID,
      AttributeKeys.JOB_NAME, AttributeKeys.JOB_ATTEMPT, AttributeKeys.THREAD_NAME, AttributeKeys.PROGRESS_DONE,
      AttributeKeys.PROGRESS_TOTAL, AttributeKeys.JOB_OUTCOME, AttributeKeys.JOB_BUSINESS_ID,
      AttributeKeys.JOB_PARENT_ID, AttributeKeys.JOB_PREVIOUS_ATTEMPT_ID, AttributeKeys.JOB_QUEUE_WAIT_MS);
  /** The current heartbeat event's attributes, for a run in progress (keys indexed as above). */
  private final OtlpAttributes.Selection activeKeys = new OtlpAttributes.Selection(AttributeKeys.JOB_ID,
      AttributeKeys.JOB_NAME, AttributeKeys.PROGRESS_DONE, AttributeKeys.THREAD_NAME, AttributeKeys.THREAD_STATE,
      AttributeKeys.STACK_MOVED, AttributeKeys.STACK_TOP, AttributeKeys.PROGRESS_TOTAL);

  /** Names, thread names and workers' identities as shared copies. */
  private final RecentStrings recent;

  private SpanDecoder(RecentStrings recent) {
    this.recent = recent;
  }

  static DecodedSpans decode(ExportTraceServiceRequest request) {
    return new SpanDecoder(RecentStrings.ofThisThread()).decodeAll(request);
  }

  private DecodedSpans decodeAll(ExportTraceServiceRequest request) {
    List<SpanEvent> events = new ArrayList<>(spanCount(request));
    long rejected = 0;
    String reason = null;
    for (ResourceSpans resourceSpans : request.getResourceSpansList()) {
      List<KeyValue> resource = resourceSpans.getResource().getAttributesList();
      WorkerIdentity worker;
      String unusableResource = null;
      try {
        String instanceId = string(resource, AttributeKeys.SERVICE_INSTANCE_ID);
        worker = instanceId == null ? null : new WorkerIdentity(recent.canonical(instanceId),
            recent.canonical(string(resource, AttributeKeys.SERVICE_NAME)),
            longOrNull(resource, AttributeKeys.PROCESS_PID), recent.canonical(string(resource, AttributeKeys.HOST_NAME)),
            recent.canonical(string(resource, AttributeKeys.AGENT_VERSION)));
      } catch (IllegalArgumentException e) {
        // A resource attribute of the wrong type: its JobPulse spans are rejected, not the request.
        worker = null;
        unusableResource = "its resource's " + e.getMessage();
      }
      for (ScopeSpans scopeSpans : resourceSpans.getScopeSpansList()) {
        for (Span span : scopeSpans.getSpansList()) {
          if (!isJobPulseSpan(span.getName())) {
            continue;
          }
          try {
            if (worker == null) {
              throw new IllegalArgumentException(unusableResource != null ? unusableResource
                  : "its resource has no " + AttributeKeys.SERVICE_INSTANCE_ID);
            }
            events.add(decode(worker, span));
          } catch (IllegalArgumentException e) {
            rejected++;
            if (reason == null) {
              reason = "span '" + span.getName() + "' rejected: " + e.getMessage();
            }
          }
        }
      }
    }
    return new DecodedSpans(events, rejected, reason);
  }

  private static int spanCount(ExportTraceServiceRequest request) {
    int count = 0;
    for (ResourceSpans resourceSpans : request.getResourceSpansList()) {
      for (ScopeSpans scopeSpans : resourceSpans.getScopeSpansList()) {
        count += scopeSpans.getSpansCount();
      }
    }
    return count;
  }

  private static boolean isJobPulseSpan(String name) {
    return name.equals(SpanNames.JOB) || name.equals(SpanNames.JOB_START) || name.equals(SpanNames.JOB_PENDING)
        || name.equals(SpanNames.WORKER_HEARTBEAT) || name.equals(SpanNames.WORKER_STOP);
  }

  private SpanEvent decode(WorkerIdentity worker, Span span) {
    List<KeyValue> attributes = span.getAttributesList();
    switch (span.getName()) {
      case SpanNames.JOB_START: {
        // The start span is a child of the run's span (whose id ends the agent's run id).
        String jobSpanId = hex(span.getParentSpanId());
        RunAttributes run = run(attributes, jobSpanId);
        return new SpanEvent.JobStarted(worker, run, hex(span.getTraceId()),
            jobSpanId != null ? jobSpanId : run.id(), millis(span.getStartTimeUnixNano()), millis(span.getEndTimeUnixNano()));
      }
      case SpanNames.JOB_PENDING: {
        // Like the start span, a child of the run's span; its start is the enqueue time.
        String jobSpanId = hex(span.getParentSpanId());
        RunAttributes run = run(attributes, jobSpanId);
        return new SpanEvent.JobPending(worker, run, hex(span.getTraceId()),
            jobSpanId != null ? jobSpanId : run.id(), millis(span.getStartTimeUnixNano()), millis(span.getEndTimeUnixNano()));
      }
      case SpanNames.JOB: {
        String spanId = hex(span.getSpanId());
        RunAttributes run = run(attributes, spanId);
        JobOutcome outcome = outcome(span.getStatus());
        return new SpanEvent.JobEnded(worker, run, hex(span.getTraceId()),
            spanId != null ? spanId : run.id(), millis(span.getStartTimeUnixNano()), millis(span.getEndTimeUnixNano()),
            outcome, outcome == JobOutcome.FAILED ? error(span) : null, emptyToNull(span.getStatus().getMessage()));
      }
      case SpanNames.WORKER_HEARTBEAT:
        return heartbeat(worker, span, attributes);
      default:
        return new SpanEvent.WorkerStopped(worker, strings(attributes, AttributeKeys.WORKER_ABANDONED_JOBS));
    }
  }

  private RunAttributes run(List<KeyValue> attributes, String fallbackId) {
    runKeys.select(attributes);
    String id = runKeys.string(ID);
    if (id == null) {
      id = fallbackId;
    }
    if (id == null || id.isBlank()) {
      throw new IllegalArgumentException("no " + AttributeKeys.JOB_ID);
    }
    long attempt = runKeys.longValue(ATTEMPT, 1);
    long done = runKeys.longValue(DONE, 0);
    return new RunAttributes(hashed(id), recent.canonical(runKeys.string(NAME)), runKeys.string(BUSINESS_ID),
        runKeys.string(PARENT_ID), attempt, recent.canonical(runKeys.string(THREAD)), done, runKeys.longOrNull(TOTAL), runKeys.string(PREVIOUS_ATTEMPT_ID),
        runKeys.longOrNull(QUEUE_WAIT_MS));
  }

  /** The outcome of the run whose attributes {@link #run} read last. */
  private JobOutcome outcome(Status status) {
    String wire = runKeys.string(OUTCOME);
    JobOutcome outcome = wire == null ? null : JobOutcome.fromWire(wire);
    if (wire != null && outcome == null) {
      throw new IllegalArgumentException("unknown " + AttributeKeys.JOB_OUTCOME + " '" + wire + "'");
    }
    if (outcome != null) {
      return outcome;
    }
    return status.getCode() == Status.StatusCode.STATUS_CODE_ERROR ? JobOutcome.FAILED : JobOutcome.COMPLETED;
  }

  private static JobError error(Span span) {
    for (Span.Event event : span.getEventsList()) {
      if (event.getName().equals(SpanNames.EVENT_EXCEPTION)) {
        List<KeyValue> attributes = event.getAttributesList();
        String type = string(attributes, AttributeKeys.EXCEPTION_TYPE);
        String message = string(attributes, AttributeKeys.EXCEPTION_MESSAGE);
        return new JobError(type, message != null ? message : emptyToNull(span.getStatus().getMessage()),
            ErrorClassifier.categorize(type, message));
      }
    }
    return new JobError(null, emptyToNull(span.getStatus().getMessage()), ErrorClassifier.UNKNOWN);
  }

  private SpanEvent.Heartbeat heartbeat(WorkerIdentity worker, Span span, List<KeyValue> attributes) {
    long interval = longValue(attributes, AttributeKeys.HEARTBEAT_INTERVAL_MS, 0);
    List<ActiveRun> active = new ArrayList<>(span.getEventsCount());
    List<RunSummary> summaries = new ArrayList<>();
    for (Span.Event event : span.getEventsList()) {
      List<KeyValue> e = event.getAttributesList();
      if (event.getName().equals(SpanNames.EVENT_JOB_ACTIVE)) {
        activeKeys.select(e);
        String id = activeKeys.string(ACTIVE_ID);
        if (id == null) {
          throw new IllegalArgumentException("a " + SpanNames.EVENT_JOB_ACTIVE + " event has no " + AttributeKeys.JOB_ID);
        }
        long done = activeKeys.longValue(ACTIVE_DONE, 0);
        active.add(new ActiveRun(hashed(id), recent.canonical(activeKeys.string(ACTIVE_NAME)), done,
            activeKeys.longOrNull(ACTIVE_TOTAL), recent.canonical(activeKeys.string(ACTIVE_THREAD)),
            recent.canonical(activeKeys.string(ACTIVE_THREAD_STATE)),
            activeKeys.isTrue(ACTIVE_STACK_MOVED), activeKeys.string(ACTIVE_STACK_TOP)));
      } else if (event.getName().equals(SpanNames.EVENT_JOB_SUMMARY)) {
        String name = string(e, AttributeKeys.JOB_NAME);
        Long count = longOrNull(e, AttributeKeys.SUMMARY_COUNT);
        if (name == null || count == null) {
          throw new IllegalArgumentException("a " + SpanNames.EVENT_JOB_SUMMARY + " event needs "
              + AttributeKeys.JOB_NAME + " and " + AttributeKeys.SUMMARY_COUNT);
        }
        summaries.add(new RunSummary(name, count, longValue(e, AttributeKeys.SUMMARY_TOTAL_MS, 0),
            longValue(e, AttributeKeys.SUMMARY_MAX_MS, 0)));
      }
    }
    return new SpanEvent.Heartbeat(worker, interval <= 0 ? DEFAULT_INTERVAL_MS : interval,
        hashed(strings(attributes, AttributeKeys.HEARTBEAT_ACTIVE_JOBS)), active, summaries,
        strings(attributes, AttributeKeys.HEARTBEAT_PENDING_JOBS),
        longOrNull(attributes, AttributeKeys.HEARTBEAT_DROPPED_RUNS));
  }

  private static long millis(long unixNanos) {
    return unixNanos / 1_000_000L;
  }

  /** An id in lower-case hex, or {@code null} when empty. */
  private String hex(ByteString id) {
    int size = id.size();
    if (size == 0) {
      return null;
    }
    if (size > ID_BYTES) {
      return HEX.formatHex(id.toByteArray());
    }
    id.copyTo(idBytes, 0);
    return HEX.formatHex(idBytes, 0, size);
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
