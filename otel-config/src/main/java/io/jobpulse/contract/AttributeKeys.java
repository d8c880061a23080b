package io.jobpulse.contract;

/**
 * Attribute keys of the wire contract. OpenTelemetry's general semantic conventions are used where
 * one exists ({@code thread.name}, {@code exception.*}, {@code service.*}, {@code process.pid},
 * {@code host.name}); JobPulse's own keys live under {@code jobpulse.}.
 */
public final class AttributeKeys {

  // Resource
  public static final String SERVICE_NAME = "service.name";
  public static final String SERVICE_INSTANCE_ID = "service.instance.id";
  public static final String PROCESS_PID = "process.pid";
  public static final String HOST_NAME = "host.name";
  public static final String AGENT_VERSION = "jobpulse.agent.version";

  // Job run (on jobpulse.job, jobpulse.job.start and jobpulse.job.active)
  public static final String JOB_ID = "jobpulse.job.id";
  public static final String JOB_NAME = "jobpulse.job.name";
  public static final String JOB_BUSINESS_ID = "jobpulse.job.business_id";
  public static final String JOB_PARENT_ID = "jobpulse.job.parent_id";
  public static final String JOB_ATTEMPT = "jobpulse.job.attempt";
  /** How a run ended: one of {@link JobOutcome}'s wire values. On {@code jobpulse.job} only. */
  public static final String JOB_OUTCOME = "jobpulse.job.outcome";
  public static final String PROGRESS_DONE = "jobpulse.progress.done";
  public static final String PROGRESS_TOTAL = "jobpulse.progress.total";
  public static final String THREAD_NAME = "thread.name";
  public static final String THREAD_STATE = "thread.state";
  /** Milliseconds the run waited in a queue between its enqueue and its start (long). */
  public static final String JOB_QUEUE_WAIT_MS = "jobpulse.job.queue_wait_ms";
  /** The run that an attempt retries: the earlier attempt's {@code jobpulse.job.id}. */
  public static final String JOB_PREVIOUS_ATTEMPT_ID = "jobpulse.job.previous_attempt_id";
  /** The innermost frame of the job thread's stack, {@code Class.method(File.java:42)}. */
  public static final String STACK_TOP = "jobpulse.stack.top";
  /** Whether the job thread's stack changed since the previous heartbeat. */
  public static final String STACK_MOVED = "jobpulse.stack.moved";

  // Heartbeat
  public static final String HEARTBEAT_INTERVAL_MS = "jobpulse.heartbeat.interval_ms";
  public static final String HEARTBEAT_ACTIVE_JOBS = "jobpulse.heartbeat.active_jobs";
  /** Ids of the announced runs still waiting in a queue (string array). */
  public static final String HEARTBEAT_PENDING_JOBS = "jobpulse.heartbeat.pending_jobs";
  /** Job runs the agent could not track since it started (its inbox was full; long). */
  public static final String HEARTBEAT_DROPPED_RUNS = "jobpulse.heartbeat.dropped_runs";
  /** Spans the agent could not queue for export since it started (its export queue was full; long). */
  public static final String HEARTBEAT_DROPPED_SPANS = "jobpulse.heartbeat.dropped_spans";
  /** Failures inside the agent since it started, each contained and the first of each kind logged (long). */
  public static final String HEARTBEAT_AGENT_ERRORS = "jobpulse.heartbeat.agent_errors";

  // Short-run summary event (jobpulse.job.summary)
  public static final String SUMMARY_COUNT = "jobpulse.summary.count";
  public static final String SUMMARY_TOTAL_MS = "jobpulse.summary.total_ms";
  public static final String SUMMARY_MAX_MS = "jobpulse.summary.max_ms";

  // Worker stop
  public static final String WORKER_ABANDONED_JOBS = "jobpulse.worker.abandoned_jobs";

  // Exception (OpenTelemetry semantic conventions)
  public static final String EXCEPTION_TYPE = "exception.type";
  public static final String EXCEPTION_MESSAGE = "exception.message";
  public static final String EXCEPTION_STACKTRACE = "exception.stacktrace";

  // A job end synthesized by the collector when it flags a run
  public static final String FLAG_TYPE = "jobpulse.flag.type";
  public static final String FLAG_REASON = "jobpulse.flag.reason";

  private AttributeKeys() {}
}
