package io.jobpulse.agent.run;

import io.opentelemetry.sdk.common.Clock;

/**
 * Turns the {@link System#nanoTime()} readings of the hot path into epoch time, so that the hot
 * path never reads the wall clock.
 *
 * <p>One anchor per process, taken once when the class is first used (never on a job's entry or
 * exit): the reporter dates spans with it, and a job's own thread dates its run's id with it when
 * it starts a process ({@link JobRun#id()}). Both must turn a run's start into the same
 * millisecond, so the anchor cannot belong to the reporter alone.
 */
public final class RunClock {

  private static final long EPOCH_NANOS_AT_BASE;
  private static final long NANO_TIME_AT_BASE;

  static {
    EPOCH_NANOS_AT_BASE = Clock.getDefault().now();
    NANO_TIME_AT_BASE = System.nanoTime();
  }

  /** Epoch nanoseconds at the {@link System#nanoTime()} reading {@code nanoTime}. */
  public static long epochNanos(long nanoTime) {
    return EPOCH_NANOS_AT_BASE + (nanoTime - NANO_TIME_AT_BASE);
  }

  /** Epoch milliseconds at {@code nanoTime}: the millisecond {@link #epochNanos} falls in. */
  public static long epochMillis(long nanoTime) {
    return Math.floorDiv(epochNanos(nanoTime), 1_000_000L);
  }

  private RunClock() {}
}
