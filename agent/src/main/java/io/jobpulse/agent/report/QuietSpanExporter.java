package io.jobpulse.agent.report;

import io.jobpulse.agent.log.AgentLog;
import io.opentelemetry.sdk.common.CompletableResultCode;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SpanExporter;
import java.util.Collection;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The OTLP exporter with the SDK's own error logging silenced (see {@link Telemetry}): a collector
 * that is away is said at most once every few minutes, with what it costs. Also tells when export
 * works again after failing ({@link #takeRecovered}), so that the reporter can say again what the
 * collector may have missed.
 */
final class QuietSpanExporter implements SpanExporter {

  private static final long LOG_EVERY_NANOS = TimeUnit.MINUTES.toNanos(5);

  private final SpanExporter delegate;
  private final String endpoint;
  private final AtomicLong failedExports = new AtomicLong();
  /** nanoTime of the last log line; Long.MIN_VALUE before the first. */
  private final AtomicLong lastLogged = new AtomicLong(Long.MIN_VALUE);
  /** The last export failed. */
  private final AtomicBoolean failing = new AtomicBoolean();
  /** An export succeeded after a failure, not yet taken. */
  private final AtomicBoolean recovered = new AtomicBoolean();

  QuietSpanExporter(SpanExporter delegate, String endpoint) {
    this.delegate = delegate;
    this.endpoint = endpoint;
  }

  @Override
  public CompletableResultCode export(Collection<SpanData> spans) {
    CompletableResultCode result = delegate.export(spans);
    result.whenComplete(() -> {
      if (!result.isSuccess()) {
        failing.set(true);
        failed();
      } else if (failing.compareAndSet(true, false)) {
        recovered.set(true);
      }
    });
    return result;
  }

  /** Whether export recovered since the last call. */
  boolean takeRecovered() {
    return recovered.getAndSet(false);
  }

  private void failed() {
    long failures = failedExports.incrementAndGet();
    long now = System.nanoTime();
    long last = lastLogged.get();
    if ((last == Long.MIN_VALUE || now - last >= LOG_EVERY_NANOS) && lastLogged.compareAndSet(last, now)) {
      AgentLog.info("cannot send spans to the collector at " + endpoint + " (" + failures
          + " failed export(s) so far; spans are dropped while it is away, the application is unaffected)");
    }
  }

  @Override
  public CompletableResultCode flush() {
    return delegate.flush();
  }

  @Override
  public CompletableResultCode shutdown() {
    return delegate.shutdown();
  }
}
