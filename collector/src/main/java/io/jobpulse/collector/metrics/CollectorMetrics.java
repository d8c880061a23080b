package io.jobpulse.collector.metrics;

import io.jobpulse.collector.alert.Alerting;
import io.jobpulse.collector.state.Job;
import io.jobpulse.collector.state.JobStateMachine;
import io.jobpulse.collector.state.StateListener;
import io.jobpulse.collector.state.Worker;
import io.jobpulse.collector.state.WorkerState;
import io.jobpulse.collector.store.JobStore;
import io.jobpulse.collector.store.StoreBatch;
import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.CounterWithCallback;
import io.prometheus.metrics.core.metrics.GaugeWithCallback;
import io.prometheus.metrics.core.metrics.Histogram;
import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.function.LongSupplier;

/**
 * The collector's Prometheus metrics ({@code GET /metrics}), every name prefixed {@code
 * jobpulse_}. A {@link StateListener}: runs and workers are counted as the state machine commits
 * them, never by scanning the store on a scrape.
 */
public final class CollectorMetrics implements StateListener {

  /** The text format's content type. */
  public static final String CONTENT_TYPE = PrometheusTextFormatWriter.CONTENT_TYPE;

  /** Detection latency buckets, seconds: a lease close is sub-second, a missed heartbeat tens of seconds. */
  private static final double[] LATENCY_BUCKETS = {0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 15, 30, 60, 120, 300, 600};

  private final PrometheusRegistry registry = new PrometheusRegistry();
  private final PrometheusTextFormatWriter writer = PrometheusTextFormatWriter.create();
  private final JobCounts jobCounts;
  private final AtomicLongArray workers = new AtomicLongArray(WorkerState.values().length);
  private final Histogram detectionLatency;
  private final Counter falsePositives;
  private final Counter alertsDelivered;
  private final Counter alertsFailed;
  private final IngestMetrics ingest;
  private final DetectorMetrics detector;
  private volatile LongSupplier outboxDepth = () -> 0;
  private volatile LongSupplier writtenBehind = () -> 0;

  public CollectorMetrics(JobStore store) {
    jobCounts = new JobCounts(store);
    for (Worker worker : store.workers()) {
      workers.incrementAndGet(worker.state().ordinal());
    }
    GaugeWithCallback.builder()
        .name("jobpulse_jobs")
        .help("Stored job runs by status")
        .labelNames("status")
        .callback(callback -> jobCounts.byStatus().forEach((status, n) -> callback.call(n, status.name())))
        .register(registry);
    GaugeWithCallback.builder()
        .name("jobpulse_jobs_flagged")
        .help("Stored job runs by the flag they carry (a terminal flag is also their status)")
        .labelNames("flag")
        .callback(callback -> jobCounts.byFlag().forEach((flag, n) -> callback.call(n, flag.name())))
        .register(registry);
    GaugeWithCallback.builder()
        .name("jobpulse_workers")
        .help("Known worker processes by state")
        .labelNames("state")
        .callback(callback -> {
          for (WorkerState state : WorkerState.values()) {
            callback.call(workers.get(state.ordinal()), state.name());
          }
        })
        .register(registry);
    detectionLatency = Histogram.builder()
        .name("jobpulse_detection_latency_seconds")
        .help("Time from the evidence (lease closed, last heartbeat) to the flag")
        .labelNames("flag")
        .classicOnly()
        .classicUpperBounds(LATENCY_BUCKETS)
        .register(registry);
    falsePositives = Counter.builder()
        .name("jobpulse_false_positives_total")
        .help("Flags later contradicted by the worker (a late end, a heartbeat listing the run)")
        .register(registry);
    falsePositives.inc(store.counter(JobStateMachine.FALSE_POSITIVES));
    alertsDelivered = Counter.builder()
        .name("jobpulse_alerts_delivered_total")
        .help("Alert deliveries a webhook acknowledged with 2xx")
        .register(registry);
    alertsFailed = Counter.builder()
        .name("jobpulse_alert_attempts_failed_total")
        .help("Alert delivery attempts that failed and will be retried")
        .register(registry);
    ingest = new IngestMetrics(registry);
    detector = new DetectorMetrics(registry);
    GaugeWithCallback.builder()
        .name("jobpulse_alert_outbox_depth")
        .help("Alert deliveries waiting in the outbox")
        .callback(callback -> callback.call(outboxDepth.getAsLong()))
        .register(registry);
    GaugeWithCallback.builder()
        .name("jobpulse_runs_written_behind")
        .help("Live runs whose last heartbeat fields are held in memory, not written to their records yet")
        .callback(callback -> callback.call(writtenBehind.getAsLong()))
        .register(registry);
  }

  /** The runs' counters, for whoever removes runs outside the state machine. */
  public JobCounts jobCounts() {
    return jobCounts;
  }

  public IngestMetrics ingest() {
    return ingest;
  }

  /** Records each detector tick's duration and work. */
  public DetectorMetrics detector() {
    return detector;
  }

  /** Exposes {@code depth} as {@code jobpulse_alert_outbox_depth} (0 while alerting is off). */
  public void alertOutbox(LongSupplier depth) {
    outboxDepth = depth;
  }

  /** Exposes {@code count} as {@code jobpulse_runs_written_behind}. */
  public void writtenBehind(LongSupplier count) {
    writtenBehind = count;
  }

  /** Exposes the forwarder's span counts as {@code jobpulse_forward_spans_total{outcome}}. */
  public void forwarding(LongSupplier exported, LongSupplier dropped, LongSupplier failed) {
    CounterWithCallback.builder()
        .name("jobpulse_forward_spans_total")
        .help("Spans forwarded downstream, by outcome")
        .labelNames("outcome")
        .callback(callback -> {
          callback.call(exported.getAsLong(), "exported");
          callback.call(dropped.getAsLong(), "dropped");
          callback.call(failed.getAsLong(), "failed");
        })
        .register(registry);
  }

  /** Counts alert deliveries. */
  public Alerting.Outcomes alertOutcomes() {
    return new Alerting.Outcomes() {
      @Override
      public void delivered() {
        alertsDelivered.inc();
      }

      @Override
      public void failed() {
        alertsFailed.inc();
      }
    };
  }

  @Override
  public void staging(Job before, Job after, StoreBatch batch) {
    jobCounts.stage(before, after, batch);
  }

  @Override
  public void beforeWrite(StoreBatch batch) {
    jobCounts.writeStaged(batch);
  }

  @Override
  public void committed(List<JobChange> jobs, List<WorkerChange> workerChanges) {
    jobCounts.commit();
    for (JobChange change : jobs) {
      Job before = change.before();
      Job after = change.after();
      if (after.flag() != null && (before == null || before.flag() == null
          || before.flag().type() != after.flag().type() || before.flag().flaggedAt() != after.flag().flaggedAt())) {
        detectionLatency.labelValues(after.flag().type().name()).observe(after.flag().detectionLatencyMs() / 1000.0);
      }
      if (after.flaggedThenRecovered() && (before == null || !before.flaggedThenRecovered())) {
        falsePositives.inc();
      }
    }
    for (WorkerChange change : workerChanges) {
      WorkerState before = change.before() == null ? null : change.before().state();
      WorkerState after = change.after().state();
      if (before != after) {
        if (before != null) {
          workers.decrementAndGet(before.ordinal());
        }
        workers.incrementAndGet(after.ordinal());
      }
    }
  }

  @Override
  public void workersRemoved(List<Worker> removed) {
    for (Worker worker : removed) {
      workers.decrementAndGet(worker.state().ordinal());
    }
  }

  /** The metrics in the Prometheus text format ({@link #CONTENT_TYPE}). */
  public byte[] scrape() {
    ByteArrayOutputStream out = new ByteArrayOutputStream(8192);
    try {
      writer.write(out, registry.scrape());
    } catch (IOException e) {
      throw new UncheckedIOException(e); // in-memory stream
    }
    return out.toByteArray();
  }

}
