package io.jobpulse.collector.store;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.jobpulse.collector.state.Job;
import io.jobpulse.collector.state.JobStatus;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

class RecordEncoderTest {

  @Test
  void everyRecordIsTheRunsOwnAndInOrderWhoeverEncodedIt() {
    try (RecordEncoder encoder = new RecordEncoder()) {
      for (int round = 0; round < 2_000; round++) {
        encodeAndCheck(encoder, round);
      }
      // ...and the helper did take part (on a busy machine it may need more rounds to get a core).
      int[] round = {2_000};
      await().atMost(Duration.ofSeconds(60)).until(() -> {
        encodeAndCheck(encoder, round[0]++);
        return encoder.helped() > 0;
      });
    }
  }

  private static void encodeAndCheck(RecordEncoder encoder, int round) {
    List<Job> jobs = runs(round, round % 300);
    byte[][] records = encoder.encodeAll(jobs);
    assertEquals(jobs.size(), records.length);
    for (int i = 0; i < jobs.size(); i++) {
      assertEquals(jobs.get(i), JobCodec.decode(records[i]), "round " + round + ", run " + i);
    }
  }

  @Test
  void twoCallersAtOnceEachGetTheirOwnRecords() {
    try (RecordEncoder encoder = new RecordEncoder()) {
      List<CompletableFuture<Void>> callers = new ArrayList<>();
      for (int caller = 0; caller < 2; caller++) {
        int seed = caller * 1_000_000;
        callers.add(CompletableFuture.runAsync(() -> {
          for (int round = 0; round < 500; round++) {
            List<Job> jobs = runs(seed + round, 64);
            byte[][] records = encoder.encodeAll(jobs);
            for (int i = 0; i < jobs.size(); i++) {
              assertEquals(jobs.get(i), JobCodec.decode(records[i]));
            }
          }
        }));
      }
      callers.forEach(CompletableFuture::join);
    }
  }

  @Test
  void encodesAloneOnceClosed() {
    RecordEncoder encoder = new RecordEncoder();
    encoder.close();
    List<Job> jobs = runs(7, 100);
    byte[][] records = encoder.encodeAll(jobs);
    for (int i = 0; i < jobs.size(); i++) {
      assertArrayEquals(JobCodec.encode(jobs.get(i)), records[i]);
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
