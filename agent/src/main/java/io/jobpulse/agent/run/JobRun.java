package io.jobpulse.agent.run;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * One call of a job method, or one task queued on an executor by a job: the only object the hot
 * path allocates for it.
 *
 * <p>A method run starts when it is created, on its own thread. A task run is created on the
 * submitting thread when the task is queued (its parent is the submitting job) and starts later,
 * on a worker thread ({@link #start}); it may also leave its queue without ever starting ({@link
 * #end} without {@link #start}: the task was dropped).
 *
 * <p>Threading: the constructor's fields are written before the run is published through {@link
 * RunInbox} (a CAS), so the reporter sees them. A task's start fields are written by its worker
 * before the release write of {@link #started}, read by the reporter after the matching acquire.
 * After that the running thread writes only the progress count (release) and the end ({@link
 * #thrown} then the volatile {@link #ended}).
 */
public final class JobRun {

  private static final VarHandle DONE;
  private static final VarHandle STARTED;

  static {
    try {
      MethodHandles.Lookup lookup = MethodHandles.lookup();
      DONE = lookup.findVarHandle(JobRun.class, "done", long.class);
      STARTED = lookup.findVarHandle(JobRun.class, "started", boolean.class);
    } catch (ReflectiveOperationException e) {
      throw new ExceptionInInitializerError(e);
    }
  }

  /** {@link #site()} of a task run whose job name the reporter derives from its task. */
  public static final int TASK_SITE = -1;

  private final int site;
  private final JobRun parent;
  /**
   * The ids of the run's {@code jobpulse.job} span, drawn when the run is recorded so that its own
   * thread can name it (to a process it starts) before the reporter opens the span. The trace id
   * is a child's parent's, a root run's own (or its process's parent job's).
   */
  private final long spanId;
  private final long traceIdHigh;
  private final long traceIdLow;
  private final long queuedNanos;
  /** Task runs: the class that names the task, or {@code null} when only its parent can name it. */
  private final Class<?> taskType;
  /** Task runs: the method of {@link #taskType} that runs it ({@code run}, {@code call}...). */
  private final String taskMethod;
  /** Kept only until the reporter has extracted the business id and total from them. */
  private Object[] arguments;

  private Thread thread;
  private long startNanos;
  /** Accessed through {@link #STARTED}. */
  @SuppressWarnings("unused")
  private boolean started;
  /** The run current on this run's thread before it started; current again once it ends. */
  private JobRun outer;

  private long done;
  private long endNanos;
  private Throwable thrown;
  private volatile boolean ended;

  /** Inbox link and depth; written before the publishing CAS, owned by the reporter after. */
  JobRun next;
  int depth;

  /** A method run, started now on {@code thread}. */
  JobRun(int site, JobRun parent, Thread thread, long startNanos, Object[] arguments, long spanId, long traceIdHigh, long traceIdLow) {
    this.site = site;
    this.parent = parent;
    this.spanId = spanId;
    this.traceIdHigh = traceIdHigh;
    this.traceIdLow = traceIdLow;
    this.outer = parent;
    this.thread = thread;
    this.startNanos = startNanos;
    this.queuedNanos = startNanos;
    this.taskType = null;
    this.taskMethod = null;
    this.arguments = arguments;
    this.started = true; // published by the inbox's CAS
  }

  /** A task run, queued now by the job {@code parent}. */
  JobRun(JobRun parent, long queuedNanos, Class<?> taskType, String taskMethod, long spanId) {
    this.site = TASK_SITE;
    this.parent = parent;
    this.spanId = spanId;
    this.traceIdHigh = parent.traceIdHigh;
    this.traceIdLow = parent.traceIdLow;
    this.queuedNanos = queuedNanos;
    this.taskType = taskType;
    this.taskMethod = taskMethod;
  }

  public int site() {
    return site;
  }

  /** The span id of the run's {@code jobpulse.job} span (never 0): the end of its {@link #id()}. */
  public long spanId() {
    return spanId;
  }

  /**
   * The run's {@code jobpulse.job.id} ({@link RunId}): the millisecond the run was recorded, by
   * {@link RunClock}, then its span id. A new string each call: the reporter and, when the job
   * starts a process, the job's own thread call it, never the entry or exit of a job method.
   *
   * <p>The time is {@link #queuedNanos()}, fixed when the run is created, so that every thread
   * computes the same id whenever it asks: for a method run it is its start, the start of its
   * span; for a task it is when it was queued (its span opens then if it is announced while it
   * waits, else when a worker takes it).
   */
  public String id() {
    return RunId.of(RunClock.epochMillis(queuedNanos), spanId);
  }

  /** The high half of the run's trace id. */
  public long traceIdHigh() {
    return traceIdHigh;
  }

  /** The low half of the run's trace id. */
  public long traceIdLow() {
    return traceIdLow;
  }

  /** The run that was current when this one started (or was queued), or {@code null}. */
  public JobRun parent() {
    return parent;
  }

  /** The thread running it; {@code null} for a task that has not {@link #started()}. */
  public Thread thread() {
    return thread;
  }

  /** {@link System#nanoTime()} at entry; valid once {@link #started()}. */
  public long startNanos() {
    return startNanos;
  }

  /** Whether this run is a task queued on an executor. */
  public boolean isTask() {
    return site == TASK_SITE;
  }

  /** {@link System#nanoTime()} when the task was queued; the start time of a method run. */
  public long queuedNanos() {
    return queuedNanos;
  }

  /** The class that names this task, or {@code null}. */
  public Class<?> taskType() {
    return taskType;
  }

  /** The method of {@link #taskType} that runs the task: {@code run}, {@code call} or {@code compute}. */
  public String taskMethod() {
    return taskMethod;
  }

  /** Whether the run has started: always for method runs; for tasks, once a worker took them. */
  public boolean started() {
    return (boolean) STARTED.getAcquire(this);
  }

  /** The arguments, once; later calls return {@code null} so the run no longer holds them. */
  public Object[] takeArguments() {
    Object[] taken = arguments;
    arguments = null;
    return taken;
  }

  /** Units of progress so far (item methods returned inside this run). */
  public long done() {
    return (long) DONE.getAcquire(this);
  }

  public boolean ended() {
    return ended;
  }

  /** {@link System#nanoTime()} at exit; valid once {@link #ended()}. */
  public long endNanos() {
    return endNanos;
  }

  /** What the job threw, or {@code null}; valid once {@link #ended()}. */
  public Throwable thrown() {
    return thrown;
  }

  /** Running thread only. */
  JobRun outer() {
    return outer;
  }

  /** The worker that took the task; called once, by whoever removed it from the pending tasks. */
  void start(Thread worker, long nanos, JobRun outerRun) {
    thread = worker;
    startNanos = nanos;
    outer = outerRun;
    STARTED.setRelease(this, true);
  }

  /** Running thread only. */
  void itemDone() {
    // Only the owner thread writes, so a plain read and a release write are enough.
    DONE.setRelease(this, done + 1);
  }

  /** Running thread only (or, for a task that never started, whoever dropped it). */
  void end(long nanos, Throwable failure) {
    endNanos = nanos;
    thrown = failure;
    ended = true;
  }
}
