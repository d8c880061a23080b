package io.jobpulse.collector.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.jobpulse.collector.state.Job;
import io.jobpulse.collector.state.JobStateMachine;
import io.jobpulse.collector.state.SpanEvent;
import io.jobpulse.collector.state.SpanEvent.ActiveRun;
import io.jobpulse.collector.state.SpanEvent.Heartbeat;
import io.jobpulse.collector.state.SpanEvent.JobEnded;
import io.jobpulse.collector.state.SpanEvent.JobStarted;
import io.jobpulse.collector.state.SpanEvent.RunAttributes;
import io.jobpulse.collector.state.WorkerIdentity;
import io.jobpulse.collector.store.JobStore;
import io.jobpulse.collector.testing.MutableClock;
import io.jobpulse.contract.JobOutcome;
import java.io.IOException;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The progress rate the state machine measures from heartbeats and the {@code etaSeconds} the API
 * writes for it: values, not just their presence.
 */
class EtaSecondsTest {

  private static final long T0 = 1_700_000_000_000L;
  private static final long STEP_MS = 5_000;
  private static final WorkerIdentity WORKER = new WorkerIdentity("w-1", "billing", 42L, "host-a", "0.1.0");
  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir Path dir;
  private final MutableClock clock = new MutableClock(T0);
  private JobStore store;
  private JobStateMachine machine;

  @BeforeEach
  void open() {
    store = JobStore.open(dir);
    machine = new JobStateMachine(store, clock);
  }

  @AfterEach
  void close() {
    store.close();
  }

  @Test
  void tenItemsASecondOverAMinuteGiveTheRemainingOverTen() throws IOException {
    start("r1");
    // +50 items every 5 s (10/s) for a minute, out of 1000.
    for (int step = 0; step <= 12; step++) {
      beat(active("r1", 50L * step, 1000L));
    }
    JsonNode view = view("r1");
    assertEquals(600, view.at("/progress/done").asLong());
    assertEquals(1000, view.at("/progress/total").asLong());
    assertEquals(10.0, view.at("/progress/ratePerSecond").asDouble(), 1e-9, view.toString());
    assertTrue(view.get("etaSeconds").isIntegralNumber(), view.toString());
    assertEquals((1000 - 600) / 10, view.get("etaSeconds").asLong(), view.toString());

    // Another half minute at the same pace: the window slides, the rate stays, the ETA shrinks.
    for (int step = 13; step <= 18; step++) {
      beat(active("r1", 50L * step, 1000L));
    }
    view = view("r1");
    assertEquals(900, view.at("/progress/done").asLong());
    assertEquals(10.0, view.at("/progress/ratePerSecond").asDouble(), 1e-9, view.toString());
    assertEquals((1000 - 900) / 10, view.get("etaSeconds").asLong(), view.toString());
  }

  @Test
  void theRateIsTheLastMinutesAndTheEtaRoundsUp() throws IOException {
    start("r2");
    // A slow first minute (2/s), then a minute at 10/s: only the recent minute counts.
    for (int step = 0; step <= 12; step++) {
      beat(active("r2", 10L * step, 2005L));
    }
    JsonNode slow = view("r2");
    assertEquals(2.0, slow.at("/progress/ratePerSecond").asDouble(), 1e-9, slow.toString());
    assertEquals((long) Math.ceil((2005 - 120) / 2.0), slow.get("etaSeconds").asLong(), slow.toString());
    for (int step = 1; step <= 12; step++) {
      beat(active("r2", 120 + 50L * step, 2005L));
    }
    JsonNode fast = view("r2");
    assertEquals(720, fast.at("/progress/done").asLong());
    assertEquals(10.0, fast.at("/progress/ratePerSecond").asDouble(), 1e-9, fast.toString());
    // 1285 left at 10/s is 128.5 s: rounded up, never promised early.
    assertEquals(129, fast.get("etaSeconds").asLong(), fast.toString());
  }

  @Test
  void noEtaWithoutATotal() throws IOException {
    start("n1");
    for (int step = 0; step <= 12; step++) {
      beat(active("n1", 50L * step, null));
    }
    JsonNode view = view("n1");
    assertEquals(10.0, view.at("/progress/ratePerSecond").asDouble(), 1e-9, view.toString());
    assertTrue(view.at("/progress/total").isNull(), view.toString());
    assertTrue(view.get("etaSeconds").isNull(), view.toString());
  }

  @Test
  void noEtaWithoutARate() throws IOException {
    start("n2");
    beat(active("n2", 0, 1000L));
    JsonNode first = view("n2");
    // One sample measures nothing.
    assertTrue(first.at("/progress/ratePerSecond").isNull(), first.toString());
    assertTrue(first.get("etaSeconds").isNull(), first.toString());

    // A minute without progress: a rate of zero, and no finite ETA.
    for (int step = 1; step <= 12; step++) {
      beat(active("n2", 0, 1000L));
    }
    JsonNode stalled = view("n2");
    assertEquals(0.0, stalled.at("/progress/ratePerSecond").asDouble(), 1e-9, stalled.toString());
    assertTrue(stalled.get("etaSeconds").isNull(), stalled.toString());
  }

  @Test
  void noEtaOnceTheRunHasEnded() throws IOException {
    start("e1");
    for (int step = 0; step <= 12; step++) {
      beat(active("e1", 50L * step, 1000L));
    }
    assertEquals(40, view("e1").get("etaSeconds").asLong());
    clock.advance(STEP_MS);
    machine.apply(List.of(new JobEnded(WORKER, run("e1", 650, 1000L), "trace-e1", "e1", T0, clock.millis(),
        JobOutcome.COMPLETED, null, null)), clock.millis());
    JsonNode view = view("e1");
    assertEquals("COMPLETED", view.get("status").asText(), view.toString());
    assertTrue(view.get("etaSeconds").isNull(), view.toString());
  }

  private void start(String id) {
    machine.apply(List.of(new JobStarted(WORKER, run(id, 0, null), "trace-" + id, id, clock.millis())),
        clock.millis());
  }

  /** A heartbeat listing {@code active}, one sample spacing after the previous event. */
  private void beat(ActiveRun active) {
    clock.advance(STEP_MS);
    List<SpanEvent> events = List.of(new Heartbeat(WORKER, STEP_MS, List.of(active.id()), List.of(active), List.of()));
    machine.apply(events, clock.millis());
  }

  /** The run as {@code GET /api/jobs} writes it, read back. */
  private JsonNode view(String id) throws IOException {
    Job job = machine.currentRuns().job(id).orElseThrow();
    StringWriter text = new StringWriter();
    try (JsonGenerator out = JSON.getFactory().createGenerator(text)) {
      JsonViews.job(out, job);
    }
    return JSON.readTree(text.toString());
  }

  private static RunAttributes run(String id, long done, Long total) {
    return new RunAttributes(id, "com.acme.Job#" + id, "order-" + id, null, 1, "worker-1", done, total);
  }

  private static ActiveRun active(String id, long done, Long total) {
    return new ActiveRun(id, "com.acme.Job#" + id, done, total, "worker-1", "RUNNABLE", true);
  }
}
