package io.jobpulse.agent.report;

import io.jobpulse.agent.config.AgentConfig;
import io.jobpulse.contract.OtlpPaths;
import io.jobpulse.contract.SpanNames;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.exporter.otlp.http.trace.OtlpHttpSpanExporter;
import io.opentelemetry.exporter.otlp.http.trace.OtlpHttpSpanExporterBuilder;
import io.opentelemetry.sdk.common.CompletableResultCode;
import io.opentelemetry.sdk.common.export.RetryPolicy;
import io.opentelemetry.sdk.resources.Resource;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.export.BatchSpanProcessor;
import java.time.Duration;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The OpenTelemetry SDK of the agent: a bounded batch processor and the OTLP/HTTP exporter; job
 * spans carry the ids their runs drew ({@link RunIds}).
 */
final class Telemetry implements ExportStatus {

  /** Short, so that a job start reaches the collector quickly. */
  private static final Duration SCHEDULE_DELAY = Duration.ofMillis(200);
  /** Spans waiting for export beyond which new ones are dropped: bounded memory. */
  private static final int MAX_QUEUE = 8192;
  private static final Duration EXPORT_TIMEOUT = Duration.ofSeconds(5);
  /**
   * Brief retries: while an export backs off, every span behind it waits, heartbeats included,
   * and a heartbeat is worth less the older it gets (the next one is an interval away; running
   * jobs are announced again when export recovers). The SDK's default backoff (up to ~10 s)
   * outlasted a restarted collector's grace and got live workers flagged; here a retry comes
   * within a second. (Three attempts were too few: LongOutageIT then missed the re-announcement.)
   */
  private static final RetryPolicy RETRY = RetryPolicy.builder()
      .setMaxAttempts(5)
      .setInitialBackoff(Duration.ofMillis(200))
      .setMaxBackoff(Duration.ofSeconds(1))
      .build();

  /**
   * The relocated SDK logs through java.util.logging; its export errors would land on the
   * application's stderr. Held strongly: a logger's level is lost when the logger is collected.
   */
  private static final Logger SDK_LOGGER = Logger.getLogger(Tracer.class.getName().substring(0, Tracer.class.getName().indexOf(".api.")));

  private final SdkTracerProvider provider;
  private final QuietSpanExporter exporter;
  /**
   * The exporter's own thread. The batch processor waits for an export at most {@link
   * #EXPORT_TIMEOUT} then moves on while the export may still retry: with the sender's default
   * (an unbounded cached pool) a long outage would pile up threads. Here, when this thread is
   * busy, the batch processor's thread exports itself: never more than two exports at once, and
   * the spans that arrive meanwhile wait in the bounded queue or are dropped and counted.
   */
  private final ExecutorService exportThread = new ThreadPoolExecutor(1, 1, 0, TimeUnit.SECONDS, new SynchronousQueue<>(), runnable -> {
    Thread thread = new Thread(runnable, "jobpulse-export");
    thread.setDaemon(true);
    return thread;
  }, new ThreadPoolExecutor.CallerRunsPolicy());
  private final SpanBudget budget = new SpanBudget(MAX_QUEUE);

  Telemetry(AgentConfig config, Resource resource, RunIds ids) {
    SDK_LOGGER.setLevel(Level.OFF);
    String endpoint = config.collectorEndpoint() + OtlpPaths.TRACES;
    OtlpHttpSpanExporterBuilder otlp = OtlpHttpSpanExporter.builder()
        .setEndpoint(endpoint)
        .setTimeout(EXPORT_TIMEOUT)
        .setConnectTimeout(Duration.ofSeconds(2))
        .setRetryPolicy(RETRY)
        .setExecutorService(exportThread);
    if (config.ingestToken() != null) {
      otlp.addHeader("Authorization", "Bearer " + config.ingestToken());
    }
    this.exporter = new QuietSpanExporter(otlp.build(), endpoint);
    provider = SdkTracerProvider.builder()
        .setResource(resource)
        .setIdGenerator(ids)
        .addSpanProcessor(budget.processor(BatchSpanProcessor.builder(budget.exporter(this.exporter))
            .setScheduleDelay(SCHEDULE_DELAY)
            .setMaxQueueSize(MAX_QUEUE)
            .setExporterTimeout(EXPORT_TIMEOUT)
            .build()))
        .build();
  }

  Tracer tracer() {
    return provider.get(SpanNames.INSTRUMENTATION_SCOPE, AgentVersion.get());
  }

  @Override
  public boolean takeRecovered() {
    return exporter.takeRecovered();
  }

  @Override
  public long droppedSpans() {
    return budget.dropped();
  }

  /** Flushes what is queued and shuts the SDK down, giving up after {@code timeout}. */
  void close(Duration timeout) {
    long deadline = System.nanoTime() + timeout.toNanos();
    provider.forceFlush().join(timeout.toNanos(), TimeUnit.NANOSECONDS);
    CompletableResultCode shutdown = provider.shutdown();
    shutdown.join(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
    exportThread.shutdown(); // ours, not the sender's: it does not shut it down
  }
}
