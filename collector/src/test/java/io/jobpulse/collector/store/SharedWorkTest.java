package io.jobpulse.collector.store;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jobpulse.collector.state.Job;
import io.jobpulse.collector.state.JobStatus;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

class SharedWorkTest {

  @Test
  void everyRecordIsTheRunsOwnAndInOrderWhoeverEncodedIt() {
    try (SharedWork work = new SharedWork("test-helper")) {
      for (int round = 0; round < 2_000; round++) {
        encodeAndCheck(work, round);
      }
      // ...and the helper did take part (on a busy machine it may need more rounds to get a core).
      int[] round = {2_000};
      await().atMost(Duration.ofSeconds(60)).until(() -> {
        encodeAndCheck(work, round[0]++);
        return work.helped() > 0;
      });
    }
  }

  @Test
  void theCallerTakesResultsInAnyOrderWhileTheHelperWorksAhead() {
    try (SharedWork work = new SharedWork("test-helper")) {
      for (int round = 0; round < 500; round++) {
        int size = 1 + round % 40;
        try (SharedWork.Round<String> results = work.start(size, i -> "result " + i)) {
          for (int i = size - 1; i >= 0; i -= 2) {
            assertEquals("result " + i, results.get(i));
          }
          for (int i = 0; i < size; i++) {
            assertEquals("result " + i, results.get(i));
          }
        }
      }
    }
  }

  @Test
  void twoCallersAtOnceEachGetTheirOwnResults() {
    try (SharedWork work = new SharedWork("test-helper")) {
      List<CompletableFuture<Void>> callers = new ArrayList<>();
      for (int caller = 0; caller < 2; caller++) {
        int seed = caller * 1_000_000;
        callers.add(CompletableFuture.runAsync(() -> {
          for (int round = 0; round < 500; round++) {
            encodeAndCheck(work, seed + round);
          }
        }));
      }
      callers.forEach(CompletableFuture::join);
    }
  }

  @Test
  void aTaskThatFailsFailsOnTheCallersThreadAndTheHelperGoesOn() {
    try (SharedWork work = new SharedWork("test-helper")) {
      try (SharedWork.Round<String> failing = work.start(64, i -> {
        if (i == 40) {
          throw new IllegalStateException("task 40 fails");
        }
        return "ok " + i;
      })) {
        for (int i = 0; i < 64; i++) {
          if (i != 40) {
            assertEquals("ok " + i, failing.get(i));
          }
        }
        assertThrows(IllegalStateException.class, () -> failing.get(40));
      }
      long before = work.helped();
      int[] round = {0};
      await().atMost(Duration.ofSeconds(60)).until(() -> {
        encodeAndCheck(work, round[0]++);
        return work.helped() > before;
      });
    }
  }

  @Test
  void aRoundClosedEarlyLetsTheNextOneHaveTheHelper() {
    try (SharedWork work = new SharedWork("test-helper")) {
      SharedWork.Round<String> abandoned = work.start(100, i -> "x");
      assertTrue(abandoned.isShared());
      try (SharedWork.Round<String> meanwhile = work.start(100, i -> "y")) {
        assertFalse(meanwhile.isShared(), "one round at a time has the helper");
        assertEquals("y", meanwhile.get(99));
      }
      abandoned.close();
      try (SharedWork.Round<String> next = work.start(100, i -> "z")) {
        assertTrue(next.isShared());
      }
    }
  }

  @Test
  void runsAloneOnceClosed() {
    SharedWork work = new SharedWork("test-helper");
    work.close();
    List<Job> jobs = runs(7, 100);
    try (SharedWork.Round<byte[]> records = work.start(jobs.size(), i -> JobCodec.encode(jobs.get(i)))) {
      assertFalse(records.isShared());
      records.runUnclaimed();
      for (int i = 0; i < jobs.size(); i++) {
        assertArrayEquals(JobCodec.encode(jobs.get(i)), records.get(i));
      }
    }
  }

  private static void encodeAndCheck(SharedWork work, int round) {
    List<Job> jobs = runs(round, round % 300);
    try (SharedWork.Round<byte[]> records = work.start(jobs.size(), i -> JobCodec.encode(jobs.get(i)))) {
      records.runUnclaimed();
      assertEquals(jobs.size(), records.size());
      for (int i = 0; i < jobs.size(); i++) {
        assertEquals(jobs.get(i), JobCodec.decode(jobs.get(i).id(), records.get(i)), "round " + round + ", run " + i);
      }
    }
  }

  /** {@code count} distinct runs, some with a history long enough to outgrow the scratch buffer. */
  private static List<Job> runs(int seed, int count) {
    List<Job> jobs = new ArrayList<>(count);
    for (int i = 0; i < count; i++) {
      Job.Builder run = Job.builder("run-" + seed + "-" + i, 1_700_000_000_000L + seed)
          .name("job-" + (i % 7)).worker("w-" + (seed % 5)).status(i % 3 == 0 ? JobStatus.COMPLETED : JobStatus.RUNNING)
          .progressDone(i);
      int history = i % 97 == 0 ? 400 : 2;
      for (int h = 0; h < history; h++) {
        run.addHistory(1_700_000_000_000L + h, "RUNNING", "entry " + h + " of run " + i + " in round " + seed);
      }
      jobs.add(run.build());
    }
    return jobs;
  }
}
