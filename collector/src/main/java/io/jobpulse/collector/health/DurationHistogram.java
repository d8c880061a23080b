package io.jobpulse.collector.health;

import com.fasterxml.jackson.annotation.JsonCreator;
import java.util.Arrays;
import java.util.Map;

/**
 * Run durations as counts in logarithmic buckets, four per power of two (each bucket ~19% wide):
 * a bounded, mergeable summary from which p50/p95 are read to within a bucket.
 *
 * <p>The counts are an array indexed by bucket, only as long as the longest duration counted
 * needs (a few dozen entries for runs of seconds to hours): a run that ends adds to its hour's
 * histogram on the ingest thread, where a sorted map of boxed counts was a tenth of the thread.
 * Stored sparsely: only the buckets that hold a run are written (see {@link HourBucket#encode}).
 * Not thread-safe; see {@link HourBucket}.
 */
final class DurationHistogram {

  private static final int BUCKETS_PER_DOUBLING = 4;
  /** 2^(200/4) ms is far beyond any run; longer durations share the last bucket. */
  static final int MAX_INDEX = 200;
  private static final long[] EMPTY = {};

  private long[] counts = EMPTY;

  /** The histogram the JSON of earlier versions stored as an object of bucket index to count. */
  @JsonCreator(mode = JsonCreator.Mode.DELEGATING)
  static DurationHistogram of(Map<Integer, Long> counts) {
    DurationHistogram histogram = new DurationHistogram();
    counts.forEach(histogram::addToBucket);
    return histogram;
  }

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

  /** Counts {@code count} runs of {@code durationMs}. */
  void add(long durationMs, long count) {
    addToBucket(indexOf(durationMs), count);
  }

  /** Adds {@code count} runs to bucket {@code index}, as read back from a stored histogram. */
  void addToBucket(int index, long count) {
    int bucket = Math.max(0, Math.min(index, MAX_INDEX));
    if (bucket >= counts.length) {
      // With room to spare: a transaction's delta starts empty and meets its runs' durations in no
      // order, and growing to each new longest one was a twentieth of the ingest thread's allocation.
      counts = Arrays.copyOf(counts, Math.min(MAX_INDEX + 1, Math.max(bucket + 1, 2 * counts.length)));
    }
    counts[bucket] += count;
  }

  void addAll(DurationHistogram other) {
    for (int index = 0; index < other.counts.length; index++) {
      if (other.counts[index] != 0) {
        addToBucket(index, other.counts[index]);
      }
    }
  }

  /** One past the highest bucket that may hold runs: iterate {@link #count} below it. */
  int bucketLimit() {
    return counts.length;
  }

  /** The runs counted in bucket {@code index}; 0 for any index at or past {@link #bucketLimit}. */
  long count(int index) {
    return index < counts.length ? counts[index] : 0;
  }

  /**
   * The {@code quantile} (0–1), as its bucket's representative; {@code null} when the histogram
   * holds no run.
   */
  Long quantile(double quantile) {
    long total = 0;
    for (long count : counts) {
      total += count;
    }
    if (total == 0) {
      return null;
    }
    long rank = Math.max(1, (long) Math.ceil(quantile * total));
    long seen = 0;
    int last = 0;
    for (int index = 0; index < counts.length; index++) {
      if (counts[index] != 0) {
        seen += counts[index];
        last = index;
        if (seen >= rank) {
          return representativeMs(index);
        }
      }
    }
    return representativeMs(last);
  }

  @Override
  public boolean equals(Object o) {
    if (!(o instanceof DurationHistogram other)) {
      return false;
    }
    for (int index = 0, limit = Math.max(counts.length, other.counts.length); index < limit; index++) {
      if (count(index) != other.count(index)) {
        return false;
      }
    }
    return true;
  }

  @Override
  public int hashCode() {
    int hash = 0;
    for (int index = 0; index < counts.length; index++) {
      if (counts[index] != 0) {
        hash += index * 31 + Long.hashCode(counts[index]);
      }
    }
    return hash;
  }

  @Override
  public String toString() {
    StringBuilder text = new StringBuilder("{");
    for (int index = 0; index < counts.length; index++) {
      if (counts[index] != 0) {
        text.append(text.length() > 1 ? ", " : "").append(index).append('=').append(counts[index]);
      }
    }
    return text.append('}').toString();
  }
}
