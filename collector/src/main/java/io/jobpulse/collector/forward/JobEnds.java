package io.jobpulse.collector.forward;

import io.jobpulse.collector.state.Flag;
import io.jobpulse.collector.state.Job;
import io.jobpulse.collector.state.JobStatus;
import io.jobpulse.collector.state.Worker;
import io.jobpulse.contract.AttributeKeys;
import io.jobpulse.contract.SpanNames;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.common.AttributesBuilder;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.SpanId;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.TraceFlags;
import io.opentelemetry.api.trace.TraceId;
import io.opentelemetry.api.trace.TraceState;
import io.opentelemetry.sdk.common.InstrumentationScopeInfo;
import io.opentelemetry.sdk.resources.Resource;
import io.opentelemetry.sdk.trace.IdGenerator;
import io.opentelemetry.sdk.trace.data.StatusData;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The end the agent never sent: for a run the collector ended itself — flagged {@code CRASHED} or
 * {@code LOST}, or {@code ABANDONED} by an operator's reset or by a worker's goodbye that came
 * without the run's own end — its {@code jobpulse.job} span, closed by the collector
 * (otel-config/README.md, "A job end synthesized by the collector"), so a backend never shows a job
 * that silently never ended. A run the agent ended itself, abandoned at shutdown included, has its
 * own end forwarded as received.
 */
final class JobEnds {

  private static final AttributeKey<String> JOB_ID = AttributeKey.stringKey(AttributeKeys.JOB_ID);
  private static final AttributeKey<String> JOB_NAME = AttributeKey.stringKey(AttributeKeys.JOB_NAME);
  private static final AttributeKey<String> BUSINESS_ID = AttributeKey.stringKey(AttributeKeys.JOB_BUSINESS_ID);
  private static final AttributeKey<String> PARENT_ID = AttributeKey.stringKey(AttributeKeys.JOB_PARENT_ID);
  private static final AttributeKey<Long> ATTEMPT = AttributeKey.longKey(AttributeKeys.JOB_ATTEMPT);
  private static final AttributeKey<String> THREAD_NAME = AttributeKey.stringKey(AttributeKeys.THREAD_NAME);
  private static final AttributeKey<Long> PROGRESS_DONE = AttributeKey.longKey(AttributeKeys.PROGRESS_DONE);
  private static final AttributeKey<Long> PROGRESS_TOTAL = AttributeKey.longKey(AttributeKeys.PROGRESS_TOTAL);
  private static final AttributeKey<String> FLAG_TYPE = AttributeKey.stringKey(AttributeKeys.FLAG_TYPE);
  private static final AttributeKey<String> FLAG_REASON = AttributeKey.stringKey(AttributeKeys.FLAG_REASON);
  private static final AttributeKey<String> SERVICE_NAME = AttributeKey.stringKey(AttributeKeys.SERVICE_NAME);
  private static final AttributeKey<String> SERVICE_INSTANCE_ID = AttributeKey.stringKey(AttributeKeys.SERVICE_INSTANCE_ID);
  private static final AttributeKey<Long> PROCESS_PID = AttributeKey.longKey(AttributeKeys.PROCESS_PID);
  private static final AttributeKey<String> HOST_NAME = AttributeKey.stringKey(AttributeKeys.HOST_NAME);
  private static final AttributeKey<String> AGENT_VERSION = AttributeKey.stringKey(AttributeKeys.AGENT_VERSION);

  private static final InstrumentationScopeInfo AGENT_SCOPE = InstrumentationScopeInfo.create(SpanNames.INSTRUMENTATION_SCOPE);
  private static final List<JobStatus> SYNTHESIZED = List.of(JobStatus.CRASHED, JobStatus.LOST, JobStatus.ABANDONED);

  /**
   * Whether this change is a run the collector just ended for the agent: it became CRASHED, LOST or
   * ABANDONED by a flag, and no end of the agent's came ({@code endedAt} is only ever the agent's).
   */
  static boolean endedByCollector(Job before, Job after) {
    return SYNTHESIZED.contains(after.status()) && after.flag() != null && after.endedAt() == null
        && (before == null || before.status() != after.status());
  }

  /**
   * The run's {@code jobpulse.job} span, ended at the flag time with status ERROR.
   *
   * @param origin the resource and scope the run's own spans came with, or {@code null} when the
   *     collector no longer has them (it restarted): the resource is then rebuilt from what the
   *     state knows of the worker
   * @param worker the run's worker as the state knows it, or {@code null}
   */
  static ForwardedSpan end(Job job, Origin origin, Worker worker) {
    Flag flag = job.flag();
    // The run's id is its span id (the contract); the trace id is only unknown for a run never announced.
    String spanId = SpanId.isValid(job.spanId()) ? job.spanId()
        : SpanId.isValid(job.id()) ? job.id() : IdGenerator.random().generateSpanId();
    String traceId = TraceId.isValid(job.traceId()) ? job.traceId() : IdGenerator.random().generateTraceId();
    SpanContext context = SpanContext.create(traceId, spanId, TraceFlags.getSampled(), TraceState.getDefault());
    SpanContext parent = job.parentId() != null && SpanId.isValid(job.parentId())
        ? SpanContext.create(traceId, job.parentId(), TraceFlags.getSampled(), TraceState.getDefault())
        : SpanContext.getInvalid();

    AttributesBuilder attributes = Attributes.builder()
        .put(JOB_ID, job.id())
        .put(ATTEMPT, job.attempt())
        .put(PROGRESS_DONE, job.progressDone())
        .put(FLAG_TYPE, flag.type().name())
        .put(FLAG_REASON, flag.reason());
    putIfKnown(attributes, JOB_NAME, job.name());
    putIfKnown(attributes, BUSINESS_ID, job.businessId());
    putIfKnown(attributes, PARENT_ID, job.parentId());
    putIfKnown(attributes, THREAD_NAME, job.threadName());
    putIfKnown(attributes, PROGRESS_TOTAL, job.progressTotal());
    Attributes built = attributes.build();

    long startMillis = job.startedAt() != null ? job.startedAt() : job.firstSeenAt();
    long endMillis = Math.max(startMillis, flag.flaggedAt());
    Origin from = origin != null ? origin : new Origin(resource(job, worker), AGENT_SCOPE);
    return new ForwardedSpan(SpanNames.JOB, SpanKind.INTERNAL, context, parent,
        StatusData.create(StatusCode.ERROR, flag.reason()), TimeUnit.MILLISECONDS.toNanos(startMillis),
        TimeUnit.MILLISECONDS.toNanos(endMillis), built, built.size(), List.of(), 0, List.of(), 0, from);
  }

  private static Resource resource(Job job, Worker worker) {
    AttributesBuilder attributes = Attributes.builder();
    putIfKnown(attributes, SERVICE_NAME, job.service());
    putIfKnown(attributes, SERVICE_INSTANCE_ID, job.worker());
    if (worker != null) {
      putIfKnown(attributes, PROCESS_PID, worker.pid());
      putIfKnown(attributes, HOST_NAME, worker.host());
      putIfKnown(attributes, AGENT_VERSION, worker.agentVersion());
    }
    return Resource.create(attributes.build());
  }

  private static <T> void putIfKnown(AttributesBuilder attributes, AttributeKey<T> key, T value) {
    if (value != null) {
      attributes.put(key, value);
    }
  }

  private JobEnds() {}
}
