package io.jobpulse.collector.testing;

import com.google.protobuf.ByteString;
import io.jobpulse.contract.AttributeKeys;
import io.jobpulse.contract.JobOutcome;
import io.jobpulse.contract.SpanNames;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.common.v1.ArrayValue;
import io.opentelemetry.proto.common.v1.InstrumentationScope;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.resource.v1.Resource;
import io.opentelemetry.proto.trace.v1.ResourceSpans;
import io.opentelemetry.proto.trace.v1.ScopeSpans;
import io.opentelemetry.proto.trace.v1.Span;
import io.opentelemetry.proto.trace.v1.Status;
import java.util.HexFormat;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Builds OTLP requests the way the JobPulse agent sends them (otel-config/README.md): one worker
 * JVM's resource, and its job, start, heartbeat and stop spans.
 */
public final class AgentSpans {

  private static final HexFormat HEX = HexFormat.of();

  private final String instanceId = UUID.randomUUID().toString();
  private final String service;

  public AgentSpans(String service) {
    this.service = service;
  }

  public String instanceId() {
    return instanceId;
  }

  public String service() {
    return service;
  }

  public static String newSpanId() {
    return HEX.formatHex(randomBytes(8));
  }

  public static String newTraceId() {
    return HEX.formatHex(randomBytes(16));
  }

  public ExportTraceServiceRequest request(Span... spans) {
    return ExportTraceServiceRequest.newBuilder().addResourceSpans(resourceSpans(spans)).build();
  }

  public ResourceSpans resourceSpans(Span... spans) {
    Resource resource = Resource.newBuilder()
        .addAttributes(string(AttributeKeys.SERVICE_NAME, service))
        .addAttributes(string(AttributeKeys.SERVICE_INSTANCE_ID, instanceId))
        .addAttributes(integer(AttributeKeys.PROCESS_PID, 4242))
        .addAttributes(string(AttributeKeys.HOST_NAME, "test-host"))
        .addAttributes(string(AttributeKeys.AGENT_VERSION, "0.1.0-test"))
        .build();
    return ResourceSpans.newBuilder()
        .setResource(resource)
        .addScopeSpans(ScopeSpans.newBuilder()
            .setScope(InstrumentationScope.newBuilder().setName(SpanNames.INSTRUMENTATION_SCOPE))
            .addAllSpans(List.of(spans)))
        .build();
  }

  /** A run: its id is its {@code jobpulse.job} span id. */
  public record Run(String id, String traceId, String name, long startedAtMillis) {
    public static Run create(String name, long startedAtMillis) {
      return new Run(newSpanId(), newTraceId(), name, startedAtMillis);
    }
  }

  /** {@code jobpulse.job.start}: a child of the run's still-open span. */
  public Span jobStart(Run run, long announcedAtMillis, KeyValue... extra) {
    return Span.newBuilder()
        .setTraceId(bytes(run.traceId()))
        .setSpanId(bytes(newSpanId()))
        .setParentSpanId(bytes(run.id()))
        .setName(SpanNames.JOB_START)
        .setKind(Span.SpanKind.SPAN_KIND_INTERNAL)
        .setStartTimeUnixNano(nanos(run.startedAtMillis()))
        .setEndTimeUnixNano(nanos(announcedAtMillis))
        .addAllAttributes(runAttributes(run, 0))
        .addAllAttributes(List.of(extra))
        .build();
  }

  /** {@code jobpulse.job.pending}: a queued task, a child of the run's still-open span; start = the enqueue time. */
  public Span jobPending(Run run, long enqueuedAtMillis, long announcedAtMillis, KeyValue... extra) {
    return Span.newBuilder()
        .setTraceId(bytes(run.traceId()))
        .setSpanId(bytes(newSpanId()))
        .setParentSpanId(bytes(run.id()))
        .setName(SpanNames.JOB_PENDING)
        .setKind(Span.SpanKind.SPAN_KIND_INTERNAL)
        .setStartTimeUnixNano(nanos(enqueuedAtMillis))
        .setEndTimeUnixNano(nanos(announcedAtMillis))
        .addAllAttributes(runAttributes(run, 0))
        .addAllAttributes(List.of(extra))
        .build();
  }

  /** {@code jobpulse.job} ended with {@code outcome}; a failure carries an exception event. */
  public Span jobEnd(Run run, long endedAtMillis, JobOutcome outcome, long done, String exceptionType,
      String exceptionMessage) {
    Span.Builder span = Span.newBuilder()
        .setTraceId(bytes(run.traceId()))
        .setSpanId(bytes(run.id()))
        .setName(SpanNames.JOB)
        .setStartTimeUnixNano(nanos(run.startedAtMillis()))
        .setEndTimeUnixNano(nanos(endedAtMillis))
        .addAllAttributes(runAttributes(run, done))
        .addAttributes(string(AttributeKeys.JOB_OUTCOME, outcome.wireValue()));
    if (outcome == JobOutcome.FAILED) {
      span.setStatus(Status.newBuilder().setCode(Status.StatusCode.STATUS_CODE_ERROR).setMessage(exceptionMessage));
      span.addEvents(Span.Event.newBuilder()
          .setName(SpanNames.EVENT_EXCEPTION)
          .setTimeUnixNano(nanos(endedAtMillis))
          .addAttributes(string(AttributeKeys.EXCEPTION_TYPE, exceptionType))
          .addAttributes(string(AttributeKeys.EXCEPTION_MESSAGE, exceptionMessage))
          .addAttributes(string(AttributeKeys.EXCEPTION_STACKTRACE, exceptionType + ": " + exceptionMessage)));
    } else if (outcome == JobOutcome.ABANDONED) {
      span.setStatus(Status.newBuilder().setCode(Status.StatusCode.STATUS_CODE_ERROR)
          .setMessage("JVM exited while the job ran"));
    }
    return span.build();
  }

  public Span jobEnd(Run run, long endedAtMillis, JobOutcome outcome) {
    return jobEnd(run, endedAtMillis, outcome, 0, null, null);
  }

  /** One {@code jobpulse.job.active} event's content. */
  public record Active(Run run, long done, Long total, String threadState) {}

  public Span heartbeat(long intervalMs, long sentAtMillis, Active... active) {
    Span.Builder span = Span.newBuilder()
        .setTraceId(bytes(newTraceId()))
        .setSpanId(bytes(newSpanId()))
        .setName(SpanNames.WORKER_HEARTBEAT)
        .setStartTimeUnixNano(nanos(sentAtMillis))
        .setEndTimeUnixNano(nanos(sentAtMillis))
        .addAttributes(integer(AttributeKeys.HEARTBEAT_INTERVAL_MS, intervalMs));
    ArrayValue.Builder ids = ArrayValue.newBuilder();
    for (Active a : active) {
      ids.addValues(AnyValue.newBuilder().setStringValue(a.run().id()));
      Span.Event.Builder event = Span.Event.newBuilder()
          .setName(SpanNames.EVENT_JOB_ACTIVE)
          .setTimeUnixNano(nanos(sentAtMillis))
          .addAttributes(string(AttributeKeys.JOB_ID, a.run().id()))
          .addAttributes(string(AttributeKeys.JOB_NAME, a.run().name()))
          .addAttributes(integer(AttributeKeys.PROGRESS_DONE, a.done()))
          .addAttributes(string(AttributeKeys.THREAD_NAME, "worker-1"))
          .addAttributes(string(AttributeKeys.THREAD_STATE, a.threadState()))
          .addAttributes(KeyValue.newBuilder().setKey(AttributeKeys.STACK_MOVED)
              .setValue(AnyValue.newBuilder().setBoolValue(true)));
      if (a.total() != null) {
        event.addAttributes(integer(AttributeKeys.PROGRESS_TOTAL, a.total()));
      }
      span.addEvents(event);
    }
    span.addAttributes(KeyValue.newBuilder().setKey(AttributeKeys.HEARTBEAT_ACTIVE_JOBS)
        .setValue(AnyValue.newBuilder().setArrayValue(ids)));
    return span.build();
  }

  /** One {@code jobpulse.job.active} event with the stack fields. */
  public record Running(Run run, long done, Long total, String threadState, boolean stackMoved, String stackTop) {}

  /**
   * A heartbeat listing {@code running} (with their stack fields) as active and {@code pending} in
   * {@code jobpulse.heartbeat.pending_jobs}.
   */
  public Span heartbeat(long intervalMs, long sentAtMillis, List<Running> running, List<Run> pending) {
    Span.Builder span = heartbeat(intervalMs, sentAtMillis).toBuilder().clearAttributes()
        .addAttributes(integer(AttributeKeys.HEARTBEAT_INTERVAL_MS, intervalMs));
    ArrayValue.Builder ids = ArrayValue.newBuilder();
    for (Running r : running) {
      ids.addValues(AnyValue.newBuilder().setStringValue(r.run().id()));
      Span.Event.Builder event = Span.Event.newBuilder()
          .setName(SpanNames.EVENT_JOB_ACTIVE)
          .setTimeUnixNano(nanos(sentAtMillis))
          .addAttributes(string(AttributeKeys.JOB_ID, r.run().id()))
          .addAttributes(string(AttributeKeys.JOB_NAME, r.run().name()))
          .addAttributes(integer(AttributeKeys.PROGRESS_DONE, r.done()))
          .addAttributes(string(AttributeKeys.THREAD_NAME, "worker-1"))
          .addAttributes(string(AttributeKeys.THREAD_STATE, r.threadState()))
          .addAttributes(KeyValue.newBuilder().setKey(AttributeKeys.STACK_MOVED)
              .setValue(AnyValue.newBuilder().setBoolValue(r.stackMoved())))
          .addAttributes(string(AttributeKeys.STACK_TOP, r.stackTop()));
      if (r.total() != null) {
        event.addAttributes(integer(AttributeKeys.PROGRESS_TOTAL, r.total()));
      }
      span.addEvents(event);
    }
    ArrayValue.Builder pendingIds = ArrayValue.newBuilder();
    for (Run run : pending) {
      pendingIds.addValues(AnyValue.newBuilder().setStringValue(run.id()));
    }
    return span
        .addAttributes(KeyValue.newBuilder().setKey(AttributeKeys.HEARTBEAT_ACTIVE_JOBS)
            .setValue(AnyValue.newBuilder().setArrayValue(ids)))
        .addAttributes(KeyValue.newBuilder().setKey(AttributeKeys.HEARTBEAT_PENDING_JOBS)
            .setValue(AnyValue.newBuilder().setArrayValue(pendingIds)))
        .build();
  }

  /** A heartbeat with one {@code jobpulse.job.summary} event. */
  public Span heartbeatWithSummary(long intervalMs, long sentAtMillis, String jobName, long count, long totalMs,
      long maxMs) {
    return heartbeat(intervalMs, sentAtMillis).toBuilder()
        .addEvents(Span.Event.newBuilder()
            .setName(SpanNames.EVENT_JOB_SUMMARY)
            .addAttributes(string(AttributeKeys.JOB_NAME, jobName))
            .addAttributes(integer(AttributeKeys.SUMMARY_COUNT, count))
            .addAttributes(integer(AttributeKeys.SUMMARY_TOTAL_MS, totalMs))
            .addAttributes(integer(AttributeKeys.SUMMARY_MAX_MS, maxMs)))
        .build();
  }

  public Span workerStop(long atMillis, Run... abandoned) {
    ArrayValue.Builder ids = ArrayValue.newBuilder();
    for (Run run : abandoned) {
      ids.addValues(AnyValue.newBuilder().setStringValue(run.id()));
    }
    return Span.newBuilder()
        .setTraceId(bytes(newTraceId()))
        .setSpanId(bytes(newSpanId()))
        .setName(SpanNames.WORKER_STOP)
        .setStartTimeUnixNano(nanos(atMillis))
        .setEndTimeUnixNano(nanos(atMillis))
        .addAttributes(KeyValue.newBuilder().setKey(AttributeKeys.WORKER_ABANDONED_JOBS)
            .setValue(AnyValue.newBuilder().setArrayValue(ids)))
        .build();
  }

  private static List<KeyValue> runAttributes(Run run, long done) {
    return List.of(
        string(AttributeKeys.JOB_ID, run.id()),
        string(AttributeKeys.JOB_NAME, run.name()),
        integer(AttributeKeys.JOB_ATTEMPT, 1),
        string(AttributeKeys.THREAD_NAME, "worker-1"),
        integer(AttributeKeys.PROGRESS_DONE, done));
  }

  public static KeyValue string(String key, String value) {
    return KeyValue.newBuilder().setKey(key).setValue(AnyValue.newBuilder().setStringValue(value)).build();
  }

  public static KeyValue integer(String key, long value) {
    return KeyValue.newBuilder().setKey(key).setValue(AnyValue.newBuilder().setIntValue(value)).build();
  }

  private static ByteString bytes(String hex) {
    return ByteString.copyFrom(HEX.parseHex(hex));
  }

  private static long nanos(long millis) {
    return millis * 1_000_000L;
  }

  private static byte[] randomBytes(int n) {
    byte[] bytes = new byte[n];
    ThreadLocalRandom.current().nextBytes(bytes);
    return bytes;
  }
}
