package io.jobpulse.benchmarks.otlp;

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
import java.util.Collection;
import java.util.List;

/**
 * The spans a JobPulse agent sends, built with the generated OTLP classes exactly as
 * otel-config/README.md describes them: {@code jobpulse.job.start} (a child of the still-open job
 * span), {@code jobpulse.job} (the end, completed or failed), and {@code jobpulse.worker.heartbeat}
 * with one {@code jobpulse.job.active} event per running job.
 */
public final class TraceRequests {

  private static final InstrumentationScope SCOPE =
      InstrumentationScope.newBuilder().setName(SpanNames.INSTRUMENTATION_SCOPE).build();
  private static final String FAILURE_TYPE = "java.lang.IllegalStateException";
  private static final String FAILURE_MESSAGE = "simulated failure";
  private static final String FAILURE_STACK = FAILURE_TYPE + ": " + FAILURE_MESSAGE
      + "\n\tat com.acme.jobs.Job.run(Job.java:42)\n\tat java.base/java.lang.Thread.run(Thread.java:840)";

  private TraceRequests() {}

  /** The resource of one simulated JVM. */
  public static Resource resource(String serviceName, String instanceId, long pid, String hostName) {
    return Resource.newBuilder()
        .addAttributes(string(AttributeKeys.SERVICE_NAME, serviceName))
        .addAttributes(string(AttributeKeys.SERVICE_INSTANCE_ID, instanceId))
        .addAttributes(integer(AttributeKeys.PROCESS_PID, pid))
        .addAttributes(string(AttributeKeys.HOST_NAME, hostName))
        .addAttributes(string(AttributeKeys.AGENT_VERSION, "benchmark"))
        .build();
  }

  /** {@code jobpulse.job.start}: the run was announced at {@code announceEpochNanos}. */
  static Span jobStart(SimulatedJob job, ByteString startSpanId, long announceEpochNanos) {
    Span.Builder span = Span.newBuilder()
        .setTraceId(job.traceId)
        .setSpanId(startSpanId)
        .setParentSpanId(job.spanId)
        .setName(SpanNames.JOB_START)
        .setKind(Span.SpanKind.SPAN_KIND_INTERNAL)
        .setStartTimeUnixNano(job.startEpochNanos)
        .setEndTimeUnixNano(announceEpochNanos);
    addRunAttributes(span, job);
    return span.build();
  }

  /** {@code jobpulse.job}: the run ended with {@code outcome} (completed or failed). */
  static Span jobEnd(SimulatedJob job, long endEpochNanos, JobOutcome outcome) {
    Span.Builder span = Span.newBuilder()
        .setTraceId(job.traceId)
        .setSpanId(job.spanId)
        .setName(SpanNames.JOB)
        .setKind(Span.SpanKind.SPAN_KIND_INTERNAL)
        .setStartTimeUnixNano(job.startEpochNanos)
        .setEndTimeUnixNano(endEpochNanos);
    addRunAttributes(span, job);
    span.addAttributes(string(AttributeKeys.JOB_OUTCOME, outcome.wireValue()));
    if (outcome == JobOutcome.FAILED) {
      span.setStatus(Status.newBuilder().setCode(Status.StatusCode.STATUS_CODE_ERROR).setMessage(FAILURE_MESSAGE));
      span.addEvents(Span.Event.newBuilder()
          .setName(SpanNames.EVENT_EXCEPTION)
          .setTimeUnixNano(endEpochNanos)
          .addAttributes(string(AttributeKeys.EXCEPTION_TYPE, FAILURE_TYPE))
          .addAttributes(string(AttributeKeys.EXCEPTION_MESSAGE, FAILURE_MESSAGE))
          .addAttributes(string(AttributeKeys.EXCEPTION_STACKTRACE, FAILURE_STACK)));
    }
    return span.build();
  }

  /**
   * {@code jobpulse.worker.heartbeat}: a root span of its own trace listing {@code active} in
   * {@code jobpulse.heartbeat.active_jobs} and one {@code jobpulse.job.active} event each.
   */
  static Span heartbeat(ByteString traceId, ByteString spanId, Collection<SimulatedJob> active, long intervalMs,
      long nowEpochNanos) {
    ArrayValue.Builder ids = ArrayValue.newBuilder();
    Span.Builder span = Span.newBuilder()
        .setTraceId(traceId)
        .setSpanId(spanId)
        .setName(SpanNames.WORKER_HEARTBEAT)
        .setKind(Span.SpanKind.SPAN_KIND_INTERNAL)
        .setStartTimeUnixNano(nowEpochNanos)
        .setEndTimeUnixNano(nowEpochNanos)
        .addAttributes(integer(AttributeKeys.HEARTBEAT_INTERVAL_MS, intervalMs));
    for (SimulatedJob job : active) {
      ids.addValues(AnyValue.newBuilder().setStringValue(job.id));
      Span.Event.Builder event = Span.Event.newBuilder()
          .setName(SpanNames.EVENT_JOB_ACTIVE)
          .setTimeUnixNano(nowEpochNanos)
          .addAttributes(string(AttributeKeys.JOB_ID, job.id))
          .addAttributes(string(AttributeKeys.JOB_NAME, job.name))
          .addAttributes(integer(AttributeKeys.PROGRESS_DONE, job.done))
          .addAttributes(integer(AttributeKeys.PROGRESS_TOTAL, job.total))
          .addAttributes(string(AttributeKeys.THREAD_NAME, job.threadName))
          .addAttributes(string(AttributeKeys.THREAD_STATE, "RUNNABLE"))
          .addAttributes(KeyValue.newBuilder().setKey(AttributeKeys.STACK_MOVED)
              .setValue(AnyValue.newBuilder().setBoolValue(true)));
      span.addEvents(event);
    }
    span.addAttributes(KeyValue.newBuilder().setKey(AttributeKeys.HEARTBEAT_ACTIVE_JOBS)
        .setValue(AnyValue.newBuilder().setArrayValue(ids)));
    return span.build();
  }

  /** One process's spans, under the agent's instrumentation scope. */
  public static ResourceSpans resourceSpans(Resource resource, Iterable<Span> spans) {
    return ResourceSpans.newBuilder()
        .setResource(resource)
        .addScopeSpans(ScopeSpans.newBuilder().setScope(SCOPE).addAllSpans(spans))
        .build();
  }

  /** A request carrying the given processes' spans. */
  public static ExportTraceServiceRequest request(Iterable<ResourceSpans> resourceSpans) {
    return ExportTraceServiceRequest.newBuilder().addAllResourceSpans(resourceSpans).build();
  }

  /** The number of spans in a request. */
  public static int spanCount(ExportTraceServiceRequest request) {
    int count = 0;
    for (ResourceSpans rs : request.getResourceSpansList()) {
      for (ScopeSpans ss : rs.getScopeSpansList()) {
        count += ss.getSpansCount();
      }
    }
    return count;
  }

  private static void addRunAttributes(Span.Builder span, SimulatedJob job) {
    span.addAttributes(string(AttributeKeys.JOB_ID, job.id))
        .addAttributes(string(AttributeKeys.JOB_NAME, job.name))
        .addAttributes(integer(AttributeKeys.JOB_ATTEMPT, 1))
        .addAttributes(string(AttributeKeys.THREAD_NAME, job.threadName))
        .addAttributes(integer(AttributeKeys.PROGRESS_DONE, job.done))
        .addAttributes(integer(AttributeKeys.PROGRESS_TOTAL, job.total));
  }

  private static KeyValue string(String key, String value) {
    return KeyValue.newBuilder().setKey(key).setValue(AnyValue.newBuilder().setStringValue(value)).build();
  }

  private static KeyValue integer(String key, long value) {
    return KeyValue.newBuilder().setKey(key).setValue(AnyValue.newBuilder().setIntValue(value)).build();
  }
}
