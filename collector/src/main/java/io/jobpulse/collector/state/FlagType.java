package io.jobpulse.collector.state;

/**
 * What the collector concluded about a run without the agent saying so. A flag that {@link
 * #endsRun() ends the run} becomes the run's status as well.
 */
public enum FlagType {
  CRASHED(true),
  LOST(true),
  ABANDONED(true),
  STUCK(false),
  STALLED(false),
  PENDING_TOO_LONG(false),
  DUPLICATE(false);

  private final boolean endsRun;

  FlagType(boolean endsRun) {
    this.endsRun = endsRun;
  }

  public boolean endsRun() {
    return endsRun;
  }

  /** Whether the flag sits beside a live run's status (it clears when its condition ends). */
  public boolean isLive() {
    return !endsRun;
  }
}
