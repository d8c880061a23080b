package io.jobpulse.agent.report;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.export.BatchSpanProcessor;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The SDK's real batch processor behind the budget: what does not fit is dropped and counted. */
class SpanBudgetTest {

  private static final int CAPACITY = 4;

  private final InMemorySpanExporter exporter = InMemorySpanExporter.create();
  private final SpanBudget budget = new SpanBudget(CAPACITY);
  // Exports only when flushed: the queue fills as it would while the collector is away. The
  // processor exports early once its queue holds a full batch, so its batch is made larger than
  // the budget lets the queue ever hold.
  private final SdkTracerProvider provider = SdkTracerProvider.builder()
      .addSpanProcessor(budget.processor(BatchSpanProcessor.builder(budget.exporter(exporter))
          .setScheduleDelay(Duration.ofHours(1))
          .setMaxQueueSize(2 * CAPACITY)
          .setMaxExportBatchSize(2 * CAPACITY)
          .build()))
      .build();
  private final Tracer tracer = provider.get("test");

  @AfterEach
  void close() {
    provider.shutdown().join(10, TimeUnit.SECONDS);
  }

  private void endSpans(int count) {
    for (int i = 0; i < count; i++) {
      tracer.spanBuilder("s" + i).startSpan().end();
    }
  }

  @Test
  void spansBeyondTheQueueAreDroppedAndCounted() {
    endSpans(CAPACITY + 3);
    assertEquals(3, budget.dropped());

    provider.forceFlush().join(10, TimeUnit.SECONDS);
    assertEquals(CAPACITY, exporter.getFinishedSpanItems().size(), "the processor itself dropped nothing");

    endSpans(CAPACITY);
    assertEquals(3, budget.dropped(), "room again once exported");
    // The SDK's worker completes a flush's result before it clears it: a flush asked for in that
    // window gets the completed result back and exports nothing (seen with the machine busy). Ask
    // again until the spans are out.
    await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
      provider.forceFlush().join(10, TimeUnit.SECONDS);
      assertEquals(2 * CAPACITY, exporter.getFinishedSpanItems().size());
    });
  }
}
