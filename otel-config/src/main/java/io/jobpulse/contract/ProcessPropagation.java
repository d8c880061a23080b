package io.jobpulse.contract;

/**
 * How a job's identity crosses into a process it starts: two environment variables, set by the
 * agent of the parent process, read by the agent of the child process at its start.
 */
public final class ProcessPropagation {

  /** The parent run's {@code jobpulse.job.id}: 28 lowercase hex digits ending with its span id. */
  public static final String PARENT_JOB_ID_ENV = "JOBPULSE_PARENT_JOB_ID";

  /**
   * The parent run's {@code jobpulse.job} span: {@code <trace id>-<span id>}, 32 and 16 lowercase
   * hex digits.
   */
  public static final String PARENT_TRACE_ENV = "JOBPULSE_PARENT_TRACE";

  /** Separates the trace id from the span id in {@link #PARENT_TRACE_ENV}. */
  public static final char TRACE_SEPARATOR = '-';

  private ProcessPropagation() {}
}
