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
import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.trace.v1.ResourceSpans;
import io.opentelemetry.proto.trace.v1.ScopeSpans;
import io.opentelemetry.proto.trace.v1.Span;
import io.opentelemetry.proto.trace.v1.Status;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;

/** Reads the wire contract (otel-config/README.md) out of OTLP spans. Stateless. */
final class SpanDecoder {

  private static final HexFormat HEX = HexFormat.of();
  private static final long DEFAULT_INTERVAL_MS = Durations.parse(ConfigKeys.DEFAULT_HEARTBEAT_INTERVAL).toMillis();

  static DecodedSpans decode(ExportTraceServiceRequest request) {
    List<SpanEvent> events = new ArrayList<>();
    long rejected = 0;
    String reason = null;
    for (ResourceSpans resourceSpans : request.getResourceSpansList()) {
      Attributes resource = new Attributes(resourceSpans.getResource().getAttributesList());
      WorkerIdentity worker;
      String unusableResource = null;
      try {
        String instanceId = resource.string(AttributeKeys.SERVICE_INSTANCE_ID);
        worker = instanceId == null ? null : new WorkerIdentity(instanceId,
            resource.string(AttributeKeys.SERVICE_NAME), resource.longValue(AttributeKeys.PROCESS_PID),
            resource.string(AttributeKeys.HOST_NAME), resource.string(AttributeKeys.AGENT_VERSION));
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

  private static boolean isJobPulseSpan(String name) {
    return name.equals(SpanNames.JOB) || name.equals(SpanNames.JOB_START) || name.equals(SpanNames.JOB_PENDING)
        || name.equals(SpanNames.WORKER_HEARTBEAT) || name.equals(SpanNames.WORKER_STOP);
  }

  private static SpanEvent decode(WorkerIdentity worker, Span span) {
    Attributes attributes = new Attributes(span.getAttributesList());
    switch (span.getName()) {
      case SpanNames.JOB_START: {
        // The start span is a child of the run's span, whose id is the run's id.
        String jobSpanId = hex(span.getParentSpanId().toByteArray());
        RunAttributes run = run(attributes, jobSpanId);
        return new SpanEvent.JobStarted(worker, run, hex(span.getTraceId().toByteArray()),
            jobSpanId != null ? jobSpanId : run.id(), millis(span.getStartTimeUnixNano()));
      }
      case SpanNames.JOB_PENDING: {
        // Like the start span, a child of the run's span; its start is the enqueue time.
        String jobSpanId = hex(span.getParentSpanId().toByteArray());
        RunAttributes run = run(attributes, jobSpanId);
        return new SpanEvent.JobPending(worker, run, hex(span.getTraceId().toByteArray()),
            jobSpanId != null ? jobSpanId : run.id(), millis(span.getStartTimeUnixNano()));
      }
      case SpanNames.JOB: {
        String spanId = hex(span.getSpanId().toByteArray());
        RunAttributes run = run(attributes, spanId);
        JobOutcome outcome = outcome(attributes, span.getStatus());
        return new SpanEvent.JobEnded(worker, run, hex(span.getTraceId().toByteArray()),
            spanId != null ? spanId : run.id(), millis(span.getStartTimeUnixNano()), millis(span.getEndTimeUnixNano()),
            outcome, outcome == JobOutcome.FAILED ? error(span) : null, emptyToNull(span.getStatus().getMessage()));
      }
      case SpanNames.WORKER_HEARTBEAT:
        return heartbeat(worker, span, attributes);
      default:
        return new SpanEvent.WorkerStopped(worker, attributes.strings(AttributeKeys.WORKER_ABANDONED_JOBS));
    }
  }

  private static RunAttributes run(Attributes attributes, String fallbackId) {
    String id = attributes.string(AttributeKeys.JOB_ID);
    if (id == null) {
      id = fallbackId;
    }
    if (id == null || id.isBlank()) {
      throw new IllegalArgumentException("no " + AttributeKeys.JOB_ID);
    }
    Long attempt = attributes.longValue(AttributeKeys.JOB_ATTEMPT);
    Long done = attributes.longValue(AttributeKeys.PROGRESS_DONE);
    return new RunAttributes(id, attributes.string(AttributeKeys.JOB_NAME),
        attributes.string(AttributeKeys.JOB_BUSINESS_ID), attributes.string(AttributeKeys.JOB_PARENT_ID),
        attempt == null ? 1 : attempt, attributes.string(AttributeKeys.THREAD_NAME), done == null ? 0 : done,
        attributes.longValue(AttributeKeys.PROGRESS_TOTAL), attributes.string(AttributeKeys.JOB_PREVIOUS_ATTEMPT_ID),
        attributes.longValue(AttributeKeys.JOB_QUEUE_WAIT_MS));
  }

  private static JobOutcome outcome(Attributes attributes, Status status) {
    String wire = attributes.string(AttributeKeys.JOB_OUTCOME);
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
        Attributes attributes = new Attributes(event.getAttributesList());
        String type = attributes.string(AttributeKeys.EXCEPTION_TYPE);
        String message = attributes.string(AttributeKeys.EXCEPTION_MESSAGE);
        return new JobError(type, message != null ? message : emptyToNull(span.getStatus().getMessage()),
            ErrorClassifier.categorize(type, message));
      }
    }
    return new JobError(null, emptyToNull(span.getStatus().getMessage()), ErrorClassifier.UNKNOWN);
  }

  private static SpanEvent.Heartbeat heartbeat(WorkerIdentity worker, Span span, Attributes attributes) {
    Long interval = attributes.longValue(AttributeKeys.HEARTBEAT_INTERVAL_MS);
    List<ActiveRun> active = new ArrayList<>();
    List<RunSummary> summaries = new ArrayList<>();
    for (Span.Event event : span.getEventsList()) {
      Attributes e = new Attributes(event.getAttributesList());
      if (event.getName().equals(SpanNames.EVENT_JOB_ACTIVE)) {
        String id = e.string(AttributeKeys.JOB_ID);
        if (id == null) {
          throw new IllegalArgumentException("a " + SpanNames.EVENT_JOB_ACTIVE + " event has no " + AttributeKeys.JOB_ID);
        }
        Long done = e.longValue(AttributeKeys.PROGRESS_DONE);
        active.add(new ActiveRun(id, e.string(AttributeKeys.JOB_NAME), done == null ? 0 : done,
            e.longValue(AttributeKeys.PROGRESS_TOTAL), e.string(AttributeKeys.THREAD_NAME),
            e.string(AttributeKeys.THREAD_STATE), Boolean.TRUE.equals(e.bool(AttributeKeys.STACK_MOVED)),
            e.string(AttributeKeys.STACK_TOP)));
      } else if (event.getName().equals(SpanNames.EVENT_JOB_SUMMARY)) {
        String name = e.string(AttributeKeys.JOB_NAME);
        Long count = e.longValue(AttributeKeys.SUMMARY_COUNT);
        if (name == null || count == null) {
          throw new IllegalArgumentException("a " + SpanNames.EVENT_JOB_SUMMARY + " event needs "
              + AttributeKeys.JOB_NAME + " and " + AttributeKeys.SUMMARY_COUNT);
        }
        Long total = e.longValue(AttributeKeys.SUMMARY_TOTAL_MS);
        Long max = e.longValue(AttributeKeys.SUMMARY_MAX_MS);
        summaries.add(new RunSummary(name, count, total == null ? 0 : total, max == null ? 0 : max));
      }
    }
    return new SpanEvent.Heartbeat(worker, interval == null || interval <= 0 ? DEFAULT_INTERVAL_MS : interval,
        attributes.strings(AttributeKeys.HEARTBEAT_ACTIVE_JOBS), active, summaries,
        attributes.strings(AttributeKeys.HEARTBEAT_PENDING_JOBS), attributes.longValue(AttributeKeys.HEARTBEAT_DROPPED_RUNS));
  }

  private static long millis(long unixNanos) {
    return unixNanos / 1_000_000L;
  }

  private static String hex(byte[] id) {
    if (id.length == 0) {
      return null;
    }
    return HEX.formatHex(id);
  }

  private static String emptyToNull(String s) {
    return s == null || s.isEmpty() ? null : s;
  }

  /** Typed reads of an OTLP attribute list; a value of the wrong type is an error, not a guess. */
  private static final class Attributes {
    private final Map<String, AnyValue> values;

    Attributes(List<KeyValue> keyValues) {
      values = new HashMap<>(keyValues.size() * 2);
      for (KeyValue kv : keyValues) {
        values.put(kv.getKey(), kv.getValue());
      }
    }

    String string(String key) {
      AnyValue value = values.get(key);
      if (value == null || value.getValueCase() == AnyValue.ValueCase.VALUE_NOT_SET) {
        return null;
      }
      return switch (value.getValueCase()) {
        case STRING_VALUE -> value.getStringValue();
        case INT_VALUE -> Long.toString(value.getIntValue());
        default -> throw wrongType(key, "a string");
      };
    }

    Long longValue(String key) {
      AnyValue value = values.get(key);
      if (value == null || value.getValueCase() == AnyValue.ValueCase.VALUE_NOT_SET) {
        return null;
      }
      switch (value.getValueCase()) {
        case INT_VALUE:
          return value.getIntValue();
        case DOUBLE_VALUE:
          return (long) value.getDoubleValue();
        case STRING_VALUE:
          try {
            return Long.parseLong(value.getStringValue().trim());
          } catch (NumberFormatException e) {
            throw wrongType(key, "an integer");
          }
        default:
          throw wrongType(key, "an integer");
      }
    }

    Boolean bool(String key) {
      AnyValue value = values.get(key);
      return value != null && value.hasBoolValue() ? value.getBoolValue() : null;
    }

    List<String> strings(String key) {
      AnyValue value = values.get(key);
      if (value == null || value.getValueCase() == AnyValue.ValueCase.VALUE_NOT_SET) {
        return List.of();
      }
      if (!value.hasArrayValue()) {
        throw wrongType(key, "an array of strings");
      }
      List<String> result = new ArrayList<>(value.getArrayValue().getValuesCount());
      for (AnyValue element : value.getArrayValue().getValuesList()) {
        if (!element.hasStringValue()) {
          throw wrongType(key, "an array of strings");
        }
        result.add(element.getStringValue());
      }
      return result;
    }

    private static IllegalArgumentException wrongType(String key, String expected) {
      return new IllegalArgumentException(key + " must be " + expected);
    }
  }

  private SpanDecoder() {}
}
