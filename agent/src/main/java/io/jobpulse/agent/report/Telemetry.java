package io.jobpulse.agent.report;

import io.jobpulse.agent.config.AgentConfig;
import io.jobpulse.contract.OtlpPaths;
import io.jobpulse.contract.SpanNames;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.exporter.otlp.http.trace.OtlpHttpSpanExporter;
import io.opentelemetry.exporter.otlp.http.trace.OtlpHttpSpanExporterBuilder;
import io.opentelemetry.sdk.common.CompletableResultCode;
import io.opentelemetry.sdk.resources.Resource;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.export.BatchSpanProcessor;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.Logger;

/** The OpenTelemetry SDK of the agent: a bounded batch processor and the OTLP/HTTP exporter. */
final class Telemetry {

  /** Short, so that a job start reaches the collector quickly. */
  private static final Duration SCHEDULE_DELAY = Duration.ofMillis(200);
  /** Spans waiting for export beyond which new ones are dropped: bounded memory. */
  private static final int MAX_QUEUE = 8192;
  private static final Duration EXPORT_TIMEOUT = Duration.ofSeconds(5);

  /**
   * The relocated SDK logs through java.util.logging; its export errors would land on the
   * application's stderr. Held strongly: a logger's level is lost when the logger is collected.
   */
  private static final Logger SDK_LOGGER = Logger.getLogger(Tracer.class.getName().substring(0, Tracer.class.getName().indexOf(".api.")));

  private final SdkTracerProvider provider;
  private final QuietSpanExporter exporter;

  Telemetry(AgentConfig config, Resource resource) {
    SDK_LOGGER.setLevel(Level.OFF);
    String endpoint = config.collectorEndpoint() + OtlpPaths.TRACES;
    OtlpHttpSpanExporterBuilder otlp = OtlpHttpSpanExporter.builder()
        .setEndpoint(endpoint)
        .setTimeout(EXPORT_TIMEOUT)
        .setConnectTimeout(Duration.ofSeconds(2));
    if (config.ingestToken() != null) {
      otlp.addHeader("Authorization", "Bearer " + config.ingestToken());
    }
    this.exporter = new QuietSpanExporter(otlp.build(), endpoint);
    provider = SdkTracerProvider.builder()
        .setResource(resource)
        .addSpanProcessor(BatchSpanProcessor.builder(this.exporter)
            .setScheduleDelay(SCHEDULE_DELAY)
            .setMaxQueueSize(MAX_QUEUE)
            .setExporterTimeout(EXPORT_TIMEOUT)
            .build())
        .build();
  }

  Tracer tracer() {
    return provider.get(SpanNames.INSTRUMENTATION_SCOPE, AgentVersion.get());
  }

  /** Whether span export works again after failing, since the last call. */
  boolean exportRecovered() {
    return exporter.takeRecovered();
  }

  /** Flushes what is queued and shuts the SDK down, giving up after {@code timeout}. */
  void close(Duration timeout) {
    long deadline = System.nanoTime() + timeout.toNanos();
    provider.forceFlush().join(timeout.toNanos(), TimeUnit.NANOSECONDS);
    CompletableResultCode shutdown = provider.shutdown();
    shutdown.join(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
  }
}
