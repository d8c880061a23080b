package io.jobpulse.agent.report;

import io.opentelemetry.context.Context;
import io.opentelemetry.sdk.common.CompletableResultCode;
import io.opentelemetry.sdk.trace.ReadWriteSpan;
import io.opentelemetry.sdk.trace.ReadableSpan;
import io.opentelemetry.sdk.trace.SpanProcessor;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SpanExporter;
import java.util.Collection;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Bounds the spans between their end and their export, and counts those turned away: the batch
 * processor drops spans silently when its queue is full (its own count is reachable only through
 * a metrics SDK), so the spans are counted on their way in ({@link #processor}) and on their way
 * out to the exporter ({@link #exporter}), and a span over the budget is dropped here instead.
 *
 * <p>With the batch processor's queue as large as the budget, the processor itself never drops:
 * the spans in its queue are a subset of those counted in.
 */
final class SpanBudget {

  private final int capacity;
  /** Ended spans handed to the batch processor and not yet handed to the exporter. */
  private final AtomicInteger queued = new AtomicInteger();
  private final AtomicLong dropped = new AtomicLong();

  SpanBudget(int capacity) {
    this.capacity = capacity;
  }

  /** Spans dropped since start because {@code capacity} spans were waiting for export. */
  long dropped() {
    return dropped.get();
  }

  /** {@code batch} (a processor whose queue holds at least the capacity) behind the budget. */
  SpanProcessor processor(SpanProcessor batch) {
    return new SpanProcessor() {
      @Override
      public void onStart(Context parentContext, ReadWriteSpan span) {
        batch.onStart(parentContext, span);
      }

      @Override
      public boolean isStartRequired() {
        return batch.isStartRequired();
      }

      @Override
      public void onEnd(ReadableSpan span) {
        if (!span.getSpanContext().isSampled()) {
          batch.onEnd(span); // the batch processor ignores it: not counted in
          return;
        }
        if (queued.incrementAndGet() > capacity) {
          queued.decrementAndGet();
          dropped.incrementAndGet();
          return;
        }
        batch.onEnd(span);
      }

      @Override
      public boolean isEndRequired() {
        return true;
      }

      @Override
      public CompletableResultCode forceFlush() {
        return batch.forceFlush();
      }

      @Override
      public CompletableResultCode shutdown() {
        return batch.shutdown();
      }
    };
  }

  /** {@code exporter}, counting the spans the batch processor hands over as out of its queue. */
  SpanExporter exporter(SpanExporter exporter) {
    return new SpanExporter() {
      @Override
      public CompletableResultCode export(Collection<SpanData> spans) {
        queued.addAndGet(-spans.size());
        return exporter.export(spans);
      }

      @Override
      public CompletableResultCode flush() {
        return exporter.flush();
      }

      @Override
      public CompletableResultCode shutdown() {
        return exporter.shutdown();
      }
    };
  }
}
