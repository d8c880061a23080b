package io.jobpulse.agent.bootstrap;

/**
 * What the inlined advice calls, through {@link JobPulseBridge}. Implemented by the agent.
 *
 * <p>Lives on the bootstrap class path with the bridge so that advice inlined into classes of any
 * class loader can reach it. Implementations must never throw and never block.
 */
public interface Dispatcher {

  /**
   * A job method was entered.
   *
   * @param site the method's site id, fixed when it was instrumented
   * @param arguments the method's arguments, or {@code null} when its site extracts nothing
   * @return the run to hand back to {@link #exit}, or {@code null} when the run is not tracked
   */
  Object enter(int site, Object[] arguments);

  /** The job method entered with {@code run} returned ({@code thrown == null}) or threw. */
  void exit(Object run, Throwable thrown);

  /** An item method returned: one unit of progress for the job running on this thread. */
  void itemDone();

  /**
   * An executor's {@code submit} was entered with {@code task} (the application's own object,
   * before the executor wraps it), or left ({@code null}): names the task about to be queued.
   */
  void taskSubmitting(Object task);

  /** {@code task} is about to enter an executor's queue (or go straight to a new worker). */
  void taskQueued(Object task);

  /**
   * A worker thread is about to run {@code task}.
   *
   * @return the run to hand back to {@link #taskEnd}, or {@code null} when the task is not tracked
   */
  Object taskStart(Object task);

  /** The task started with {@code run} returned ({@code thrown == null}) or threw. */
  void taskEnd(Object run, Object task, Throwable thrown);

  /** {@code task} left its executor without running (rejected, removed, drained by shutdownNow). */
  void taskDropped(Object task);

  /**
   * {@code builder} is about to start a process on this thread.
   *
   * @return what to hand to {@link #processStarted}, or {@code null} when the builder was not changed
   */
  Object processStarting(ProcessBuilder builder);

  /** The process started with {@code lent} from {@link #processStarting} started, or failed to. */
  void processStarted(Object lent);
}
