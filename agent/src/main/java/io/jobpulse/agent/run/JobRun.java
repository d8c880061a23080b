package io.jobpulse.agent.run;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * One call of a job method, as recorded on the job's own thread: the only object the hot path
 * allocates.
 *
 * <p>Threading: the constructor's fields are written by the job thread before the run is published
 * through {@link RunInbox} (a CAS), so the reporter sees them. After that the job thread writes
 * only the progress count (release) and the end ({@link #thrown} then the volatile {@link #ended});
 * the reporter reads them with the matching acquire.
 */
public final class JobRun {

  private static final VarHandle DONE;

  static {
    try {
      DONE = MethodHandles.lookup().findVarHandle(JobRun.class, "done", long.class);
    } catch (ReflectiveOperationException e) {
      throw new ExceptionInInitializerError(e);
    }
  }

  private final int site;
  private final JobRun parent;
  private final Thread thread;
  private final long startNanos;
  /** Kept only until the reporter has extracted the business id and total from them. */
  private Object[] arguments;

  private long done;
  private long endNanos;
  private Throwable thrown;
  private volatile boolean ended;

  /** Inbox link and depth; written before the publishing CAS, owned by the reporter after. */
  JobRun next;
  int depth;

  JobRun(int site, JobRun parent, Thread thread, long startNanos, Object[] arguments) {
    this.site = site;
    this.parent = parent;
    this.thread = thread;
    this.startNanos = startNanos;
    this.arguments = arguments;
  }

  public int site() {
    return site;
  }

  /** The run that was current on this thread when this one started, or {@code null}. */
  public JobRun parent() {
    return parent;
  }

  public Thread thread() {
    return thread;
  }

  /** {@link System#nanoTime()} at entry. */
  public long startNanos() {
    return startNanos;
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

  /** Job thread only. */
  void itemDone() {
    // Only the owner thread writes, so a plain read and a release write are enough.
    DONE.setRelease(this, done + 1);
  }

  /** Job thread only. */
  void end(long nanos, Throwable failure) {
    endNanos = nanos;
    thrown = failure;
    ended = true;
  }
}
