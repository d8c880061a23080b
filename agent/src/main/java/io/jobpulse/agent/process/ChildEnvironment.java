package io.jobpulse.agent.process;

import io.jobpulse.agent.run.JobRun;
import io.jobpulse.contract.ProcessPropagation;
import io.opentelemetry.api.trace.SpanId;
import io.opentelemetry.api.trace.TraceId;
import java.util.Map;
import java.util.Objects;

/**
 * Lends a running job's identity to a process it starts: the two {@link ProcessPropagation}
 * variables (the run's {@code jobpulse.job.id}, {@link JobRun#id()}; its trace and span ids) go
 * into the {@code ProcessBuilder}'s environment for its {@code start()} and are
 * taken back after, so that a builder the application reuses later, outside the job, names no
 * stale parent.
 *
 * <p>A variable the application set itself is left alone; one inherited unchanged from this
 * process's own environment (this process is itself a job's child) is replaced for the start:
 * the new process's parent is the job that starts it, not this process's parent.
 */
public final class ChildEnvironment {

  private final Map<String, String> environment;
  private final String jobId;
  private final String previousJobId;
  private final String trace;
  private final String previousTrace;

  private ChildEnvironment(Map<String, String> environment, String jobId, String previousJobId, String trace, String previousTrace) {
    this.environment = environment;
    this.jobId = jobId;
    this.previousJobId = previousJobId;
    this.trace = trace;
    this.previousTrace = previousTrace;
  }

  /**
   * Adds {@code run}'s identity to {@code environment} (the builder's) unless the application set
   * its own.
   *
   * @param inherited this process's own environment
   * @return what to hand to {@link #restore}, or {@code null} when nothing was changed
   */
  public static ChildEnvironment lend(Map<String, String> environment, Map<String, String> inherited, JobRun run) {
    String previousJobId = environment.get(ProcessPropagation.PARENT_JOB_ID_ENV);
    String previousTrace = environment.get(ProcessPropagation.PARENT_TRACE_ENV);
    if (!Objects.equals(previousJobId, inherited.get(ProcessPropagation.PARENT_JOB_ID_ENV))
        || !Objects.equals(previousTrace, inherited.get(ProcessPropagation.PARENT_TRACE_ENV))) {
      return null; // the application's own choice
    }
    // The id the reporter gives the run's span, whether or not it has opened it yet.
    String jobId = run.id();
    String trace = TraceId.fromLongs(run.traceIdHigh(), run.traceIdLow()) + ProcessPropagation.TRACE_SEPARATOR
        + SpanId.fromLong(run.spanId());
    environment.put(ProcessPropagation.PARENT_JOB_ID_ENV, jobId);
    environment.put(ProcessPropagation.PARENT_TRACE_ENV, trace);
    return new ChildEnvironment(environment, jobId, previousJobId, trace, previousTrace);
  }

  /** The process started (or failed to): the builder's environment is as the application left it. */
  public void restore() {
    restore(ProcessPropagation.PARENT_JOB_ID_ENV, jobId, previousJobId);
    restore(ProcessPropagation.PARENT_TRACE_ENV, trace, previousTrace);
  }

  private void restore(String name, String lent, String previous) {
    if (!lent.equals(environment.get(name))) {
      return; // changed meanwhile by the application: its value now
    }
    if (previous == null) {
      environment.remove(name);
    } else {
      environment.put(name, previous);
    }
  }
}
