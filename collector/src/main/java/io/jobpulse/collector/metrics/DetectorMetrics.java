package io.jobpulse.collector.metrics;

import io.jobpulse.collector.detect.MeasuredDetector;
import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.Gauge;
import io.prometheus.metrics.core.metrics.Histogram;
import io.prometheus.metrics.model.registry.PrometheusRegistry;

/**
 * What each detector tick cost and looked at: its duration, and how many workers and due deadlines
 * it examined and runs it flagged, both as the last tick's value (gauges) and as totals (counters;
 * divided by the histogram's count they give the mean per tick). None of them should grow with the
 * number of stored jobs: a tick looks at the alive workers and at what is due, never at history.
 *
 * <p>Recorded on the ingest thread, once per tick, without allocation (no exemplars); read by
 * scrapes on any thread. The three gauges are written one after another, so a scrape between two
 * writes may pair values of two consecutive ticks.
 */
public final class DetectorMetrics implements MeasuredDetector.Observer {

  /** Tick duration buckets, seconds: tens of microseconds with few workers, milliseconds with many. */
  private static final double[] TICK_BUCKETS =
      {0.00005, 0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5};

  private final Histogram tickSeconds;
  private final Gauge lastWorkers;
  private final Gauge lastDeadlines;
  private final Gauge lastFlagged;
  private final Counter workers;
  private final Counter deadlines;
  private final Counter flagged;

  DetectorMetrics(PrometheusRegistry registry) {
    tickSeconds = Histogram.builder()
        .name("jobpulse_detector_tick_seconds")
        .help("Duration of a detector tick (dead workers, then due run deadlines)")
        .classicOnly()
        .classicUpperBounds(TICK_BUCKETS)
        .withoutExemplars()
        .register(registry);
    lastWorkers = gauge(registry, "jobpulse_detector_tick_workers_examined",
        "Alive workers the last detector tick checked for missed heartbeats");
    lastDeadlines = gauge(registry, "jobpulse_detector_tick_deadlines_examined",
        "Due run deadlines the last detector tick took out of its queue");
    lastFlagged = gauge(registry, "jobpulse_detector_tick_runs_flagged",
        "Runs the last detector tick flagged (dead workers' runs included)");
    workers = counter(registry, "jobpulse_detector_workers_examined_total",
        "Alive workers checked for missed heartbeats, summed over detector ticks");
    deadlines = counter(registry, "jobpulse_detector_deadlines_examined_total",
        "Due run deadlines taken out of the queue, summed over detector ticks");
    flagged = counter(registry, "jobpulse_detector_runs_flagged_total",
        "Runs flagged by detector ticks (dead workers' runs included)");
  }

  @Override
  public void ticked(long nanos, int workersExamined, int deadlinesExamined, int runsFlagged) {
    tickSeconds.observe(nanos / 1e9);
    lastWorkers.set(workersExamined);
    lastDeadlines.set(deadlinesExamined);
    lastFlagged.set(runsFlagged);
    workers.inc(workersExamined);
    deadlines.inc(deadlinesExamined);
    flagged.inc(runsFlagged);
  }

  private static Gauge gauge(PrometheusRegistry registry, String name, String help) {
    return Gauge.builder().name(name).help(help).withoutExemplars().register(registry);
  }

  private static Counter counter(PrometheusRegistry registry, String name, String help) {
    return Counter.builder().name(name).help(help).withoutExemplars().register(registry);
  }
}
