package io.jobpulse.collector.health;

import java.util.Map;
import java.util.TreeMap;

/**
 * Run durations as counts in logarithmic buckets, four per power of two (each bucket ~19% wide):
 * a bounded, mergeable summary from which p50/p95 are read to within a bucket. A sparse
 * map of bucket index to count, so that an hour with a handful of runs stores a handful of
 * entries.
 */
final class DurationHistogram {

  private static final int BUCKETS_PER_DOUBLING = 4;
  /** 2^(200/4) ms is far beyond any run; longer durations share the last bucket. */
  static final int MAX_INDEX = 200;

  /** The bucket of a duration: 0 for {@code <= 1 ms}, else {@code ceil(4 · log2(ms))}. */
  static int indexOf(long durationMs) {
    if (durationMs <= 1) {
      return 0;
    }
    int index = (int) Math.ceil(BUCKETS_PER_DOUBLING * (Math.log(durationMs) / Math.log(2)));
    return Math.min(index, MAX_INDEX);
  }

  /**
   * The duration bucket {@code index} stands for: the geometric middle of its bounds, so that the
   * value read back is within ~9% of every duration counted in it.
   */
  static long representativeMs(int index) {
    if (index == 0) {
      return 1;
    }
    return Math.max(1, Math.round(Math.pow(2, (index - 0.5) / BUCKETS_PER_DOUBLING)));
  }

  /** Adds {@code count} runs of {@code durationMs} to {@code histogram}. */
  static void add(Map<Integer, Long> histogram, long durationMs, long count) {
    histogram.merge(indexOf(durationMs), count, Long::sum);
  }

  /**
   * The {@code quantile} (0–1) of the merged histogram, as its bucket's representative; {@code null}
   * when it holds no run.
   */
  static Long quantile(TreeMap<Integer, Long> merged, double quantile) {
    long total = 0;
    for (long count : merged.values()) {
      total += count;
    }
    if (total == 0) {
      return null;
    }
    long rank = Math.max(1, (long) Math.ceil(quantile * total));
    long seen = 0;
    for (Map.Entry<Integer, Long> bucket : merged.entrySet()) {
      seen += bucket.getValue();
      if (seen >= rank) {
        return representativeMs(bucket.getKey());
      }
    }
    return representativeMs(merged.lastKey());
  }

  private DurationHistogram() {}
}
