package io.jobpulse.agent.run;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.opentelemetry.api.trace.SpanId;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** A run's id: its start in epoch milliseconds (12 hex digits), then its span id (16). */
class RunIdTest {

  private static final String SPAN = "00f067aa0ba902b7";

  @Test
  void theStartMillisecondThenTheSpanIdIn28LowerCaseHexDigits() {
    long millis = 1_765_000_000_123L;
    long spanId = 0xf067aa0ba902b7L | Long.MIN_VALUE; // the sign bit set: still 16 unsigned digits
    String id = RunId.of(millis, spanId);
    assertEquals(28, id.length());
    assertTrue(id.matches("[0-9a-f]{28}"), id);
    assertEquals(String.format("%012x", millis), id.substring(0, 12));
    assertEquals(millis, Long.parseLong(id.substring(0, 12), 16));
    assertEquals(SpanId.fromLong(spanId), id.substring(12));
    assertEquals("000000000001" + "0000000000000001", RunId.of(1, 1), "zero-padded");
    assertEquals("ffffffffffff" + "ffffffffffffffff", RunId.of(0xffff_ffff_ffffL, -1));
  }

  @Test
  void idsSortAsTheirRunsStartedWhateverTheirSpanIds() {
    long[] starts = {1_765_000_000_000L, 0x0fff_ffff_ffffL}; // the second: the next millisecond adds a digit
    for (long start : starts) {
      String earlier = RunId.of(start, -1); // the largest span id
      String later = RunId.of(start + 1, 1); // the smallest
      assertTrue(earlier.compareTo(later) < 0, earlier + " before " + later);
    }
    assertTrue(RunId.of(1_765_000_000_000L, 2).compareTo(RunId.of(1_765_000_000_000L, 3)) < 0, "within a millisecond: by span id");
  }

  @Test
  void aRunsIdIsDatedByItsStartAndTheSameWhoeverAsks() {
    RunRecorder recorder = new RunRecorder(10);
    JobRun first = (JobRun) recorder.enter(0, null);
    long firstMillis = RunClock.epochMillis(first.startNanos());
    assertEquals(RunId.of(firstMillis, first.spanId()), first.id());
    assertEquals(first.id(), first.id());
    assertNotSame(first.id(), first.id(), "built on demand, never kept by the run");
    recorder.exit(first, null);

    await().atMost(Duration.ofSeconds(10)).until(() -> RunClock.epochMillis(System.nanoTime()) > firstMillis);
    JobRun second = (JobRun) recorder.enter(0, null);
    recorder.exit(second, null);
    assertTrue(first.id().compareTo(second.id()) < 0, first.id() + " before " + second.id());
    assertTrue(second.id().endsWith(SpanId.fromLong(second.spanId())));
  }

  @Test
  void theClockTurnsNanoTimeIntoEpochTimeOnOneAnchor() {
    long now = System.nanoTime();
    assertEquals(RunClock.epochNanos(now) + 1_000_000, RunClock.epochNanos(now + 1_000_000));
    assertEquals(Math.floorDiv(RunClock.epochNanos(now), 1_000_000L), RunClock.epochMillis(now));
  }

  @Test
  void aJobIdNamesItsSpanInEitherForm() {
    assertTrue(RunId.names("019af3c2b1a0" + SPAN, SPAN));
    assertTrue(RunId.names(SPAN, SPAN), "the older form: the span id itself");
    assertFalse(RunId.names("019af3c2b1a0" + "1111111111111111", SPAN));
    assertFalse(RunId.names("019AF3C2B1A0" + SPAN, SPAN));
    assertFalse(RunId.names("019af3c2b1a-" + SPAN, SPAN));
    assertFalse(RunId.names("19af3c2b1a0" + SPAN, SPAN));
    assertFalse(RunId.names("0019af3c2b1a0" + SPAN, SPAN));
    assertFalse(RunId.names("1111111111111111", SPAN));
    assertFalse(RunId.names(null, SPAN));
    assertFalse(RunId.names(SPAN, null));
  }
}
