package io.jobpulse.collector.alert;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.jobpulse.collector.testing.MutableClock;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** The failure-storm window counter, on a clock moved by hand. */
class FailureStormsTest {

  private static final long MINUTE = 60_000;
  /** A minute boundary, so that slots are easy to reason about. */
  private static final long START = 28_333_334L * MINUTE;

  private final MutableClock clock = new MutableClock(START);
  private final FailureStorms storms = new FailureStorms(AlertConfig.FailureStorm.DEFAULT, clock);

  @Test
  void theTenthFailureInTheWindowIsAStormNotTheNinth() {
    failTimes("billing", "Sync", 9);
    FailureStorms.Storm storm = storms.failed("billing", "Sync");
    assertNotNull(storm);
    assertEquals(10, storm.failed());
    assertEquals(10, storm.ended());
    assertEquals(Duration.ofMinutes(15), storm.window());
    assertEquals(START - 14 * MINUTE, storm.windowStart(), "the current minute and the 14 before it");
    assertEquals("failing:billing:Sync:" + (START - 14 * MINUTE), storm.idempotencyKey());
  }

  @Test
  void failuresMustBeTheRatioOfTheRunsThatEndedAsWellAsTheMinimum() {
    storms.completed("billing", "Sync", 11);
    failTimes("billing", "Sync", 10); // 10 of 21: under half
    FailureStorms.Storm storm = storms.failed("billing", "Sync"); // 11 of 22: half
    assertNotNull(storm);
    assertEquals(11, storm.failed());
    assertEquals(22, storm.ended());

    // All runs failing, but fewer than the minimum: no storm.
    FailureStorms few = new FailureStorms(new AlertConfig.FailureStorm(5, 0.5, Duration.ofMinutes(15)), clock);
    for (int i = 0; i < 4; i++) {
      assertNull(few.failed("billing", "Rare"));
    }
    assertNotNull(few.failed("billing", "Rare"));
  }

  @Test
  void aShortRunSummaryOfManyCompletedRunsKeepsTheRatioUnder() {
    storms.completed("billing", "Short", 100);
    failTimes("billing", "Short", 50); // 50 of 150
  }

  @Test
  void namesAndServicesAreCountedApart() {
    failTimes("billing", "Sync", 9);
    failTimes("payments", "Sync", 9);
    failTimes("billing", "Other", 9);
    assertNotNull(storms.failed("payments", "Sync"));
  }

  @Test
  void oldMinutesSlideOutOfTheWindow() {
    failTimes("billing", "Sync", 5);
    clock.advance(10 * MINUTE);
    failTimes("billing", "Sync", 4); // 9 in the window
    clock.advance(5 * MINUTE); // the first five slide out
    failTimes("billing", "Sync", 5); // 4 + 5
    clock.advance(MINUTE - 1);
    assertNotNull(storms.failed("billing", "Sync"), "4 + 5 + 1 in the window");

    // Completions slide out too: 20 completed long ago do not hold back today's failures.
    storms.completed("billing", "Slow", 20);
    clock.advance(15 * MINUTE);
    failTimes("billing", "Slow", 9);
    assertNotNull(storms.failed("billing", "Slow"));

    // A gap longer than the ring forgets all.
    failTimes("billing", "Gap", 9);
    clock.advance(Duration.ofHours(3).toMillis());
    failTimes("billing", "Gap", 9);
  }

  @Test
  void quietForOneWindowThenAReminderWithANewKeyIfStillFailing() {
    failTimes("billing", "Sync", 9);
    FailureStorms.Storm first = storms.failed("billing", "Sync");
    assertNotNull(first);
    clock.advance(5 * MINUTE);
    failTimes("billing", "Sync", 20); // quiet, however many more
    clock.advance(10 * MINUTE - 1);
    failTimes("billing", "Sync", 1); // still quiet: one window after the alert not yet over
    clock.advance(1);
    FailureStorms.Storm reminder = storms.failed("billing", "Sync");
    assertNotNull(reminder, "still failing a window later: a reminder");
    assertEquals(22, reminder.failed(), "the failures of the last 15 minutes, the first ten slid out");
    assertNotEquals(first.idempotencyKey(), reminder.idempotencyKey());

    // Mostly completing again by the end of the next quiet window: no reminder.
    clock.advance(15 * MINUTE);
    storms.completed("billing", "Sync", 30);
    failTimes("billing", "Sync", 29);
  }

  @Test
  void aClockSteppingBackCountsInTheNewestMinute() {
    clock.advance(5 * MINUTE);
    failTimes("billing", "Sync", 5);
    clock.advance(-3 * MINUTE);
    failTimes("billing", "Sync", 4);
    assertNotNull(storms.failed("billing", "Sync"));
  }

  @Test
  void aRolledBackTransactionIsNotCounted() {
    failTimes("billing", "Sync", 9);
    storms.commit();
    assertNotNull(storms.failed("billing", "Sync")); // its write fails:
    storms.rollback();
    assertNotNull(storms.failed("billing", "Sync"), "neither the failure nor the quiet period stayed");
    storms.commit();
    storms.rollback();
    assertNull(storms.failed("billing", "Sync"), "a committed alert's quiet period stays");
  }

  @Test
  void atMostMaxKeptNamesTheLeastRecentlyUsedForgottenFirst() {
    FailureStorms three = new FailureStorms(new AlertConfig.FailureStorm(6, 0.5, Duration.ofMinutes(15)), clock, 3);
    for (String name : new String[] {"a", "b", "c"}) {
      for (int i = 0; i < 5; i++) {
        assertNull(three.failed("s", name));
      }
    }
    assertNotNull(three.failed("s", "a"), "a: 6, and now the most recently used");
    assertNull(three.failed("s", "d")); // a fourth name: b, the least recently used, is forgotten
    assertEquals(3, three.size());
    assertNotNull(three.failed("s", "c"), "c kept: 6");
    assertNull(three.failed("s", "b"), "b forgotten: 1, not 6");
    assertEquals(3, three.size());
  }

  @Test
  void theDefaultBoundHolds() {
    for (int i = 0; i < FailureStorms.MAX_KEPT + 1_000; i++) {
      storms.completed("svc", "job-" + i, 1);
    }
    assertEquals(FailureStorms.MAX_KEPT, storms.size());
  }

  @Test
  void longWindowsUseSixtySlots() {
    FailureStorms day = new FailureStorms(new AlertConfig.FailureStorm(3, 1.0, Duration.ofDays(1)), clock);
    assertNull(day.failed("s", "n"));
    clock.advance(Duration.ofHours(20).toMillis());
    assertNull(day.failed("s", "n"));
    FailureStorms.Storm storm = day.failed("s", "n");
    assertNotNull(storm);
    assertEquals(3, storm.failed());
  }

  @Test
  void offCannotCount() {
    assertThrows(IllegalArgumentException.class, () -> new FailureStorms(AlertConfig.FailureStorm.OFF, clock));
  }

  private void failTimes(String service, String name, int times) {
    for (int i = 0; i < times; i++) {
      assertNull(storms.failed(service, name), service + " " + name + ": no storm at failure " + (i + 1));
    }
  }
}
