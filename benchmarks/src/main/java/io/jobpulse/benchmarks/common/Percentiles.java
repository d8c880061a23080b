package io.jobpulse.benchmarks.common;

import java.util.Arrays;

/** Median and worst of a small set of trial results (a few dozen values). */
public final class Percentiles {

  private final long[] sorted;

  public Percentiles(long[] values) {
    this.sorted = values.clone();
    Arrays.sort(sorted);
  }

  public int count() {
    return sorted.length;
  }

  /** The value at quantile {@code q} (0..1), nearest rank. */
  public long at(double q) {
    if (sorted.length == 0) {
      return -1;
    }
    int rank = (int) Math.ceil(q * sorted.length);
    return sorted[Math.min(sorted.length - 1, Math.max(0, rank - 1))];
  }

  public long median() {
    return at(0.5);
  }

  public long min() {
    return sorted.length == 0 ? -1 : sorted[0];
  }

  public long max() {
    return sorted.length == 0 ? -1 : sorted[sorted.length - 1];
  }

  @Override
  public String toString() {
    return "n=" + count() + " min=" + min() + " median=" + median() + " p90=" + at(0.9) + " max=" + max();
  }
}
