package io.jobpulse.contract;

/** Names of the spans the agent emits and the collector understands. */
public final class SpanNames {

  /** One job run; ends when the job method returns or throws. */
  public static final String JOB = "jobpulse.job";

  /**
   * A job run was announced (it outlived the announce delay). A child of the still-open
   * {@link #JOB} span, whose trace and span ids the collector uses to synthesize its end when it
   * flags the run. Its start time is the run's start time.
   */
  public static final String JOB_START = "jobpulse.job.start";

  /**
   * A task was enqueued (an executor's queue, a scheduler's table) and has waited longer than the
   * announce delay without starting: the run is {@code PENDING}. A child of the run's still-open
   * {@link #JOB} span, like {@link #JOB_START}; start = the enqueue time, end = the announce time.
   */
  public static final String JOB_PENDING = "jobpulse.job.pending";

  /** One per process per heartbeat interval, whatever the number of running jobs. */
  public static final String WORKER_HEARTBEAT = "jobpulse.worker.heartbeat";

  /** The process exits gracefully. */
  public static final String WORKER_STOP = "jobpulse.worker.stop";

  /** Event on a heartbeat span: one per job running at that moment. */
  public static final String EVENT_JOB_ACTIVE = "jobpulse.job.active";

  /**
   * Event on a heartbeat span: the runs of one job name that completed before they were
   * announced during the interval (count, total and max duration).
   */
  public static final String EVENT_JOB_SUMMARY = "jobpulse.job.summary";

  /** The OpenTelemetry semantic-convention event carrying a thrown exception. */
  public static final String EVENT_EXCEPTION = "exception";

  /** Instrumentation scope of every JobPulse span. */
  public static final String INSTRUMENTATION_SCOPE = "io.jobpulse.agent";

  private SpanNames() {}
}
