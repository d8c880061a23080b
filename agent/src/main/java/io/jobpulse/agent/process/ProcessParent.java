package io.jobpulse.agent.process;

import io.jobpulse.agent.log.AgentLog;
import io.jobpulse.agent.run.RunId;
import io.jobpulse.contract.ProcessPropagation;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.SpanId;
import io.opentelemetry.api.trace.TraceFlags;
import io.opentelemetry.api.trace.TraceId;
import io.opentelemetry.api.trace.TraceState;
import java.util.Map;

/**
 * The job, in another process, that started this process: this process's root runs are its
 * children. Read once at start from the environment the parent's agent set ({@link
 * ProcessPropagation}).
 */
public final class ProcessParent {

  private final String jobId;
  private final long traceIdHigh;
  private final long traceIdLow;
  private final SpanContext spanContext;

  private ProcessParent(String jobId, long traceIdHigh, long traceIdLow, SpanContext spanContext) {
    this.jobId = jobId;
    this.traceIdHigh = traceIdHigh;
    this.traceIdLow = traceIdLow;
    this.spanContext = spanContext;
  }

  /**
   * The parent job named by {@code environment}, or {@code null} when there is none. A malformed
   * value is logged once and ignored: the process's runs then start their own traces.
   */
  public static ProcessParent fromEnvironment(Map<String, String> environment) {
    String jobId = environment.get(ProcessPropagation.PARENT_JOB_ID_ENV);
    String trace = environment.get(ProcessPropagation.PARENT_TRACE_ENV);
    if (jobId == null && trace == null) {
      return null;
    }
    ProcessParent parent = parse(jobId, trace);
    if (parent == null) {
      AgentLog.warnOnce("process-parent", "ignoring " + ProcessPropagation.PARENT_JOB_ID_ENV + "='" + jobId + "' and "
          + ProcessPropagation.PARENT_TRACE_ENV + "='" + trace + "': expected <32 hex digits>"
          + ProcessPropagation.TRACE_SEPARATOR + "<16 hex digits> and a job id of 28 hex digits ending with those 16 (or equal to them);"
          + " this process's jobs start their own traces");
    }
    return parent;
  }

  /**
   * {@code null} unless both values are well formed and name the same span: the job id is that
   * span's run's ({@link RunId}), or, as agents before it wrote it, the span id itself.
   */
  static ProcessParent parse(String jobId, String trace) {
    int traceLength = TraceId.getLength();
    if (jobId == null || trace == null || trace.length() != traceLength + 1 + SpanId.getLength()
        || trace.charAt(traceLength) != ProcessPropagation.TRACE_SEPARATOR) {
      return null;
    }
    String traceId = trace.substring(0, traceLength);
    String spanId = trace.substring(traceLength + 1);
    if (!TraceId.isValid(traceId) || !SpanId.isValid(spanId) || !RunId.names(jobId, spanId)) {
      return null;
    }
    SpanContext context = SpanContext.createFromRemoteParent(traceId, spanId, TraceFlags.getSampled(), TraceState.getDefault());
    return new ProcessParent(jobId, Long.parseUnsignedLong(traceId.substring(0, 16), 16), Long.parseUnsignedLong(traceId.substring(16), 16), context);
  }

  /** The parent run's {@code jobpulse.job.id}. */
  public String jobId() {
    return jobId;
  }

  public long traceIdHigh() {
    return traceIdHigh;
  }

  public long traceIdLow() {
    return traceIdLow;
  }

  /** The parent run's {@code jobpulse.job} span, as the remote parent of this process's root runs. */
  public SpanContext spanContext() {
    return spanContext;
  }
}
