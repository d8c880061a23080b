package io.jobpulse.collector.state;

/** A job run's status (DESIGN.md "Job states and flags"). */
public enum JobStatus {
  PENDING,
  RUNNING,
  COMPLETED,
  FAILED,
  CRASHED,
  LOST,
  ABANDONED;

  /** Whether the run is over: nothing but a late end (reconciliation) changes it any more. */
  public boolean isTerminal() {
    return this != PENDING && this != RUNNING;
  }
}
