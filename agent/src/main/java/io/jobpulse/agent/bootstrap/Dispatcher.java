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
}
