package io.jobpulse.benchmarks.scale;

import java.util.Map;
import java.util.NavigableMap;
import java.util.Optional;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The collector's detector series in one scrape of {@code /metrics} (the tick duration histogram
 * and the work counters), or the difference of two scrapes: what the ticks between them cost and
 * looked at.
 *
 * @param ticks ticks counted ({@code jobpulse_detector_tick_seconds_count})
 * @param seconds their summed duration
 * @param buckets cumulative tick counts by upper bound in seconds, +Inf included
 * @param workers workers examined, summed over the ticks
 * @param deadlines due deadlines examined, summed over the ticks
 * @param flagged runs flagged, summed over the ticks
 * @param lastTick the last tick's workers, deadlines and flagged runs (the gauges)
 */
record DetectorTicks(double ticks, double seconds, NavigableMap<Double, Double> buckets, double workers, double deadlines,
    double flagged, long[] lastTick) {

  private static final Pattern BUCKET =
      Pattern.compile("^jobpulse_detector_tick_seconds_bucket\\{le=\"([^\"]+)\"} (\\S+)$", Pattern.MULTILINE);

  /** Reads the series from a text exposition; empty when the collector does not expose them (an older build). */
  static Optional<DetectorTicks> of(String exposition) {
    NavigableMap<Double, Double> buckets = new TreeMap<>();
    Matcher m = BUCKET.matcher(exposition);
    while (m.find()) {
      buckets.put(m.group(1).equals("+Inf") ? Double.POSITIVE_INFINITY : Double.parseDouble(m.group(1)),
          Double.parseDouble(m.group(2)));
    }
    if (buckets.isEmpty()) {
      return Optional.empty();
    }
    return Optional.of(new DetectorTicks(value(exposition, "jobpulse_detector_tick_seconds_count"),
        value(exposition, "jobpulse_detector_tick_seconds_sum"), buckets,
        value(exposition, "jobpulse_detector_workers_examined_total"),
        value(exposition, "jobpulse_detector_deadlines_examined_total"),
        value(exposition, "jobpulse_detector_runs_flagged_total"),
        new long[] {(long) value(exposition, "jobpulse_detector_tick_workers_examined"),
            (long) value(exposition, "jobpulse_detector_tick_deadlines_examined"),
            (long) value(exposition, "jobpulse_detector_tick_runs_flagged")}));
  }

  /** The ticks after {@code earlier}: counts and buckets subtracted, the last tick this one's. */
  DetectorTicks since(DetectorTicks earlier) {
    NavigableMap<Double, Double> delta = new TreeMap<>();
    buckets.forEach((le, n) -> delta.put(le, n - earlier.buckets.getOrDefault(le, 0.0)));
    return new DetectorTicks(ticks - earlier.ticks, seconds - earlier.seconds, delta, workers - earlier.workers,
        deadlines - earlier.deadlines, flagged - earlier.flagged, lastTick);
  }

  /**
   * The tick duration at quantile {@code q}, in seconds, interpolated within its bucket as
   * Prometheus's {@code histogram_quantile} does (so only as precise as the buckets); NaN without ticks.
   */
  double quantile(double q) {
    if (ticks <= 0) {
      return Double.NaN;
    }
    double rank = q * ticks;
    double lower = 0;
    double below = 0;
    for (Map.Entry<Double, Double> bucket : buckets.entrySet()) {
      if (bucket.getValue() >= rank) {
        if (bucket.getKey().isInfinite()) {
          return lower; // beyond the last finite bound: the bound is all that is known
        }
        double inBucket = bucket.getValue() - below;
        return lower + (bucket.getKey() - lower) * (inBucket == 0 ? 1 : (rank - below) / inBucket);
      }
      lower = bucket.getKey();
      below = bucket.getValue();
    }
    return lower;
  }

  /** One line: duration and mean work per tick (the counters' means; a tick on the edge of a scrape may be off by one). */
  String describe() {
    double perTick = Math.max(1, ticks);
    return String.format("%,.0f ticks; duration p50 ~%.2f ms, p99 ~%.2f ms, mean %.2f ms; mean per tick: %,.1f workers, "
            + "%,.1f deadlines examined, %,.1f runs flagged",
        ticks, quantile(0.5) * 1e3, quantile(0.99) * 1e3, ticks <= 0 ? Double.NaN : seconds / ticks * 1e3,
        workers / perTick, deadlines / perTick, flagged / perTick);
  }

  private static double value(String exposition, String series) {
    Matcher m = Pattern.compile("^" + Pattern.quote(series) + " (\\S+)$", Pattern.MULTILINE).matcher(exposition);
    return m.find() ? Double.parseDouble(m.group(1)) : 0;
  }
}
