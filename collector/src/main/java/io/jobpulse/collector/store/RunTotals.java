package io.jobpulse.collector.store;

/** Accumulated {@code jobpulse.job.summary} counts of one job name: short runs completed unannounced. */
public record RunTotals(String name, long count, long totalMs, long maxMs) {

  public RunTotals plus(long moreCount, long moreTotalMs, long otherMaxMs) {
    return new RunTotals(name, count + moreCount, totalMs + moreTotalMs, Math.max(maxMs, otherMaxMs));
  }
}
