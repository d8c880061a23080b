package io.jobpulse.benchmarks.scale;

/**
 * The smallest and largest work of single ticks seen by sampling the last-tick gauges: exact per
 * tick, where the counters' means can be off by a tick counted on one side of a scrape only.
 */
final class TickWorkRange {

  private final long[] min = {Long.MAX_VALUE, Long.MAX_VALUE, Long.MAX_VALUE};
  private final long[] max = {Long.MIN_VALUE, Long.MIN_VALUE, Long.MIN_VALUE};
  private int samples;

  void include(DetectorTicks scrape) {
    long[] work = scrape.lastTick();
    for (int i = 0; i < work.length; i++) {
      min[i] = Math.min(min[i], work[i]);
      max[i] = Math.max(max[i], work[i]);
    }
    samples++;
  }

  @Override
  public String toString() {
    if (samples == 0) {
      return "no samples";
    }
    return String.format("%d samples of the last tick: workers %,d-%,d, deadlines %,d-%,d, flagged %,d-%,d",
        samples, min[0], max[0], min[1], max[1], min[2], max[2]);
  }
}
