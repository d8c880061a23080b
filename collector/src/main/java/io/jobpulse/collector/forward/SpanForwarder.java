package io.jobpulse.collector.forward;

import io.jobpulse.collector.otlp.AcceptedSpans;
import io.jobpulse.collector.state.Job;
import io.jobpulse.collector.state.StateListener;
import io.jobpulse.collector.state.Worker;
import io.jobpulse.contract.AttributeKeys;
import io.jobpulse.contract.SpanNames;
import io.opentelemetry.exporter.otlp.http.trace.OtlpHttpSpanExporter;
import io.opentelemetry.exporter.otlp.http.trace.OtlpHttpSpanExporterBuilder;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.trace.v1.ResourceSpans;
import io.opentelemetry.proto.trace.v1.ScopeSpans;
import io.opentelemetry.proto.trace.v1.Span;
import io.opentelemetry.sdk.common.CompletableResultCode;
import io.opentelemetry.sdk.common.export.RetryPolicy;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SpanExporter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;

/**
 * Forwards to a downstream OTLP/HTTP endpoint what the collector received — every span, JobPulse's
 * heartbeats only when asked (they are JobPulse's own plumbing, one per process per interval) — and,
 * for every run the collector ended itself, the run's end the agent never sent ({@link JobEnds}).
 *
 * <p>Like the SDK's {@code BatchSpanProcessor}: producers (the ingest thread, the receivers' I/O
 * threads) only offer to a queue bounded in spans and never wait; when it is full the spans are
 * dropped and counted. One thread of its own turns proto spans into {@code SpanData} and exports
 * them with the SDK's OTLP exporter, which retries transient failures. Forwarding is best effort:
 * what the collector stores never depends on the downstream endpoint.
 */
public final class SpanForwarder implements StateListener, AcceptedSpans, AutoCloseable {

  private static final System.Logger LOG = System.getLogger(SpanForwarder.class.getName());
  /** Resources remembered for synthesized ends, one per worker; the oldest go first. */
  private static final int MAX_ORIGINS = 10_000;
  private static final long POLL_MILLIS = 200;
  private static final long CLOSE_MILLIS = 10_000;

  private final ForwardConfig config;
  private final SpanExporter exporter;
  /** Unbounded as a structure; {@link #queuedSpans} is its real bound. */
  private final BlockingQueue<Item> queue = new LinkedBlockingQueue<>();
  private final AtomicInteger queuedSpans = new AtomicInteger();
  private final LongAdder exported = new LongAdder();
  private final LongAdder dropped = new LongAdder();
  private final LongAdder failed = new LongAdder();
  /** Confined to the forwarder thread: the resource and scope each worker's spans came with. */
  private final Map<String, Origin> origins = new LinkedHashMap<>(256, 0.75f, true) {
    @Override
    protected boolean removeEldestEntry(Map.Entry<String, Origin> eldest) {
      return size() > MAX_ORIGINS;
    }
  };
  private final Thread thread;
  private volatile boolean stopping;

  private SpanForwarder(ForwardConfig config, SpanExporter exporter) {
    this.config = config;
    this.exporter = exporter;
    this.thread = new Thread(this::run, "jobpulse-forward");
    this.thread.setDaemon(true);
  }

  /** Starts forwarding to {@code config}'s endpoint. */
  public static SpanForwarder start(ForwardConfig config) {
    OtlpHttpSpanExporterBuilder builder = OtlpHttpSpanExporter.builder()
        .setEndpoint(config.endpoint().toString())
        .setTimeout(config.exportTimeout())
        .setRetryPolicy(RetryPolicy.getDefault());
    config.headers().forEach(builder::addHeader);
    SpanForwarder forwarder = new SpanForwarder(config, builder.build());
    forwarder.thread.start();
    return forwarder;
  }

  public ForwardConfig config() {
    return config;
  }

  /** Spans the downstream endpoint acknowledged. */
  public long exportedSpans() {
    return exported.sum();
  }

  /** Spans dropped because the queue was full (the endpoint is slow or away) or the collector stopped. */
  public long droppedSpans() {
    return dropped.sum();
  }

  /** Spans the endpoint refused, or that it did not take within the exporter's retries. */
  public long failedSpans() {
    return failed.sum();
  }

  /** Keeps the request until it is written only if it has spans to forward (counted here). */
  @Override
  public Runnable whenWritten(ExportTraceServiceRequest request, long allSpans) {
    int spans = 0;
    for (ResourceSpans resourceSpans : request.getResourceSpansList()) {
      for (ScopeSpans scopeSpans : resourceSpans.getScopeSpansList()) {
        for (Span span : scopeSpans.getSpansList()) {
          if (forwards(span.getName())) {
            spans++;
          }
        }
      }
    }
    if (spans == 0) {
      return NOTHING;
    }
    Received received = new Received(request, spans);
    return () -> offer(received);
  }

  @Override
  public void committed(List<JobChange> jobs, List<WorkerChange> workers) {
    for (JobChange change : jobs) {
      if (JobEnds.endedByCollector(change.before(), change.after())) {
        offer(new EndedByCollector(change.after(), workerOf(change.after(), workers)));
      }
    }
  }

  /** Every span but heartbeats unless asked: lifecycle spans, and whatever else a sender put in the request. */
  private boolean forwards(String spanName) {
    return config.heartbeats() || !SpanNames.WORKER_HEARTBEAT.equals(spanName);
  }

  private void offer(Item item) {
    if (stopping) {
      drop(item.spans(), "the collector is stopping");
      return;
    }
    // Reserve first, so concurrent producers can never overshoot the bound together.
    if (queuedSpans.addAndGet(item.spans()) > config.queueCapacity()) {
      queuedSpans.addAndGet(-item.spans());
      drop(item.spans(), "the forward queue is full (" + config.queueCapacity() + " spans)");
      return;
    }
    queue.add(item);
  }

  private void drop(int spans, String why) {
    // Log the first drop of each run of a thousand, not every one: the endpoint may be away for hours.
    long before = dropped.sum();
    dropped.add(spans);
    if (before / 1000 != (before + spans) / 1000 || before == 0) {
      LOG.log(System.Logger.Level.WARNING, "dropped " + spans + " span(s) for " + config.endpoint() + ": " + why
          + " (" + (before + spans) + " dropped so far)");
    }
  }

  private void run() {
    List<SpanData> batch = new ArrayList<>(config.maxExportBatch());
    while (!stopping || !queue.isEmpty()) {
      Item item;
      try {
        item = queue.poll(POLL_MILLIS, TimeUnit.MILLISECONDS);
      } catch (InterruptedException e) {
        break;
      }
      // Take everything waiting, exporting each full batch: senders batch already, so a quiet
      // collector exports at once rather than after a delay.
      while (item != null) {
        queuedSpans.addAndGet(-item.spans());
        collect(item, batch);
        if (batch.size() >= config.maxExportBatch()) {
          export(batch);
        }
        item = queue.poll();
      }
      if (!batch.isEmpty()) {
        export(batch);
      }
    }
  }

  private void collect(Item item, List<SpanData> batch) {
    try {
      if (item instanceof Received received) {
        for (ResourceSpans resourceSpans : received.request().getResourceSpansList()) {
          String instanceId = instanceId(resourceSpans);
          for (ScopeSpans scopeSpans : resourceSpans.getScopeSpansList()) {
            Origin origin = null;
            for (Span span : scopeSpans.getSpansList()) {
              if (!forwards(span.getName())) {
                continue;
              }
              if (origin == null) {
                origin = ProtoSpans.origin(resourceSpans, scopeSpans);
                if (instanceId != null) {
                  origins.put(instanceId, origin);
                }
              }
              ForwardedSpan data = ProtoSpans.span(span, origin);
              if (data != null) {
                batch.add(data);
              } else {
                drop(1, "span '" + span.getName() + "' has no valid trace or span id");
              }
            }
          }
        }
      } else if (item instanceof EndedByCollector ended) {
        Job job = ended.job();
        batch.add(JobEnds.end(job, job.worker() == null ? null : origins.get(job.worker()), ended.worker()));
      }
    } catch (RuntimeException e) {
      // One malformed item must not stop forwarding for everything after it.
      LOG.log(System.Logger.Level.WARNING, "could not forward an item; skipped", e);
      failed.add(item.spans());
    }
  }

  private void export(List<SpanData> batch) {
    int size = batch.size();
    CompletableResultCode result = exporter.export(List.copyOf(batch));
    batch.clear();
    // The exporter bounds each attempt and its retries; this bound only guards against a hang.
    result.join(config.exportTimeout().toMillis() * 10 + 30_000, TimeUnit.MILLISECONDS);
    if (result.isSuccess()) {
      exported.add(size);
    } else {
      failed.add(size);
    }
  }

  /** Exports what is queued (within a bound), then shuts the exporter down. Idempotent. */
  @Override
  public void close() {
    if (stopping) {
      return;
    }
    stopping = true;
    try {
      thread.join(CLOSE_MILLIS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    if (thread.isAlive()) {
      thread.interrupt(); // the endpoint is too slow to drain the queue in time
    }
    int left = queuedSpans.getAndSet(0);
    queue.clear();
    if (left > 0) {
      drop(left, "the collector stopped before they were exported");
    }
    exporter.shutdown().join(5, TimeUnit.SECONDS);
  }

  private static String instanceId(ResourceSpans resourceSpans) {
    for (KeyValue kv : resourceSpans.getResource().getAttributesList()) {
      if (kv.getKey().equals(AttributeKeys.SERVICE_INSTANCE_ID) && kv.getValue().hasStringValue()) {
        return kv.getValue().getStringValue();
      }
    }
    return null;
  }

  private static Worker workerOf(Job job, List<WorkerChange> workers) {
    for (WorkerChange change : workers) {
      if (change.after().id().equals(job.worker())) {
        return change.after();
      }
    }
    return null;
  }

  /** What waits in the queue: a received request, or a run the collector ended. */
  private sealed interface Item permits Received, EndedByCollector {
    /** How many spans it becomes: its weight against the queue's bound. */
    int spans();
  }

  private record Received(ExportTraceServiceRequest request, int spans) implements Item {}

  private record EndedByCollector(Job job, Worker worker) implements Item {
    @Override
    public int spans() {
      return 1;
    }
  }
}
