package io.jobpulse.agent.report;

import io.opentelemetry.sdk.common.Clock;

/**
 * Turns the {@link System#nanoTime()} readings of the hot path into epoch nanoseconds for spans,
 * so that the hot path never reads the wall clock.
 */
final class NanoClock {

  private final long epochNanosAtBase;
  private final long nanoTimeAtBase;

  NanoClock() {
    this.epochNanosAtBase = Clock.getDefault().now();
    this.nanoTimeAtBase = System.nanoTime();
  }

  long epochNanos(long nanoTime) {
    return epochNanosAtBase + (nanoTime - nanoTimeAtBase);
  }
}
