package io.jobpulse.collector.health;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.google.protobuf.CodedOutputStream;
import io.jobpulse.collector.state.JobStateMachine;
import io.jobpulse.collector.state.ReceivedSpans;
import io.jobpulse.collector.state.SpanEvent;
import io.jobpulse.collector.state.StateListener;
import io.jobpulse.collector.state.SpanEvent.JobEnded;
import io.jobpulse.collector.state.SpanEvent.RunAttributes;
import io.jobpulse.collector.state.WorkerIdentity;
import io.jobpulse.collector.store.JobStore;
import io.jobpulse.collector.store.Keyspace;
import io.jobpulse.collector.store.StoreBatch;
import io.jobpulse.collector.testing.MutableClock;
import io.jobpulse.contract.JobOutcome;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The hourly aggregates of a fleet with more job names than the aggregator keeps in memory, on a real store. */
class HealthAggregatorTest {

  private static final WorkerIdentity WORKER = new WorkerIdentity("w-1", "billing", 42L, "host-a", "0.1.0");

  @TempDir Path dir;

  @Test
  void bucketsForgottenBetweenTransactionsAreReadBackWithNothingLost() {
    // More names than are kept, so that each transaction forgets some buckets the next one needs.
    int names = HealthAggregator.MAX_KEPT + 1_000;
    int transactions = 3;
    long now = System.currentTimeMillis();
    MutableClock clock = new MutableClock(now);
    try (JobStore store = JobStore.open(dir)) {
      JobStateMachine machine = new JobStateMachine(store, clock);
      HealthAggregator aggregator = aggregating(machine, store, clock);
      for (int t = 0; t < transactions; t++) {
        List<SpanEvent> ends = new ArrayList<>(names);
        for (int n = 0; n < names; n++) {
          // Names in a different order each time: the least recently used differ from the first.
          int name = t % 2 == 0 ? n : names - 1 - n;
          String id = "run-" + t + "-" + name;
          ends.add(new JobEnded(WORKER, new RunAttributes(id, name(name), null, null, 1, "worker-1", 0, null),
              "trace-" + id, id, now - 100, now, JobOutcome.COMPLETED, null, null));
        }
        machine.applyAll(List.of(new ReceivedSpans(ends, now)));
      }

      List<JobHealth> health = aggregator.report().lastDay(now, "billing");
      assertEquals(names, health.size());
      for (JobHealth job : health) {
        assertEquals(transactions, job.counts().get("COMPLETED"), job.name());
      }
    }
  }

  @Test
  void changesBetweenCheckpointsAreJournaledReadAndAppliedAfterACrash() {
    long now = midHour();
    MutableClock clock = new MutableClock(now);
    BucketKey bucket = bucketOf(now);
    try (JobStore store = JobStore.open(dir)) {
      JobStateMachine machine = new JobStateMachine(store, clock);
      HealthAggregator aggregator = aggregating(machine, store, clock);
      end(machine, "run-1", now); // the first transaction writes the buckets
      end(machine, "run-2", now); // the next ones within the interval journal them
      end(machine, "run-3", now);

      assertEquals(1, storedCompleted(store, bucket));
      assertEquals(2, journalEntries(store));
      assertEquals(3, completed(aggregator.report(), now));
    } // closed without writing the buckets: as after a kill

    try (JobStore store = JobStore.open(dir)) {
      HealthAggregator aggregator = new HealthAggregator(store, clock);
      assertEquals(3, storedCompleted(store, bucket));
      assertEquals(0, journalEntries(store));
      assertEquals(3, completed(aggregator.report(), now));
    }
  }

  @Test
  void theBucketsAreWrittenOnceTheIntervalIsOverAndTheJournalRemoved() {
    long now = midHour();
    MutableClock clock = new MutableClock(now);
    BucketKey bucket = bucketOf(now);
    try (JobStore store = JobStore.open(dir)) {
      JobStateMachine machine = new JobStateMachine(store, clock);
      HealthAggregator aggregator = aggregating(machine, store, clock);
      end(machine, "run-1", now);
      end(machine, "run-2", now);
      assertEquals(1, journalEntries(store));

      clock.advance(HealthAggregator.CHECKPOINT_INTERVAL_MS);
      end(machine, "run-3", clock.millis());

      assertEquals(3, storedCompleted(store, bucket));
      assertEquals(0, journalEntries(store));
      assertEquals(3, completed(aggregator.report(), clock.millis()));
    }
  }

  @Test
  void aTransactionNotWrittenLeavesTheJournaledBucketsAsTheyWere() {
    long now = midHour();
    MutableClock clock = new MutableClock(now);
    boolean[] failWrites = {false};
    try (JobStore store = JobStore.open(dir)) {
      JobStateMachine machine = new JobStateMachine(store, clock);
      HealthAggregator aggregator = aggregating(machine, store, clock);
      failWritesWhen(machine, failWrites); // after the aggregator: its changes are staged, then lost
      end(machine, "run-1", now);
      end(machine, "run-2", now);
      failWrites[0] = true;
      assertThrows(IllegalStateException.class, () -> end(machine, "run-3", now));
      failWrites[0] = false;
      end(machine, "run-4", now);

      assertEquals(3, completed(aggregator.report(), now));
      clock.advance(HealthAggregator.CHECKPOINT_INTERVAL_MS);
      end(machine, "run-5", clock.millis());
      assertEquals(4, storedCompleted(store, bucketOf(now)));
    }
  }

  @Test
  void aBucketFirstJournaledByATransactionNotWrittenIsNamedAgainByTheNext() {
    // The journal names a bucket by its key once, by number after that: the number a transaction
    // not written gave must not be taken for one the journal holds.
    long now = midHour();
    MutableClock clock = new MutableClock(now);
    boolean[] failWrites = {false};
    try (JobStore store = JobStore.open(dir)) {
      JobStateMachine machine = new JobStateMachine(store, clock);
      aggregating(machine, store, clock);
      failWritesWhen(machine, failWrites);
      end(machine, "run-1", 1, now); // the checkpoint
      end(machine, "run-2", 1, now); // journaled: bucket 1 named
      failWrites[0] = true;
      assertThrows(IllegalStateException.class, () -> end(machine, "run-3", 2, now));
      failWrites[0] = false;
      end(machine, "run-4", 2, now); // bucket 2 named here, not in the entry lost
      end(machine, "run-5", 2, now); // and by its number
      end(machine, "run-6", 1, now);
      assertEquals(4, journalEntries(store));
    } // closed without writing the buckets: as after a kill

    try (JobStore store = JobStore.open(dir)) {
      HealthAggregator aggregator = new HealthAggregator(store, clock);
      Map<String, Long> completed = new HashMap<>();
      aggregator.report().lastDay(now, "billing").forEach(job -> completed.put(job.name(), job.counts().get("COMPLETED")));
      assertEquals(Map.of(name(1), 3L, name(2), 2L), completed);
    }
  }

  @Test
  void wholeBucketsJournaledByAnEarlierVersionAreWrittenAtStartUp() throws Exception {
    long now = midHour();
    BucketKey bucket = bucketOf(now);
    HourBucket state = new HourBucket();
    state.count("COMPLETED", 5);
    state.completed = 5;
    // What versions before 2026-12-07 left after a crash: an entry of whole buckets under its sequence number.
    ByteArrayOutputStream entry = new ByteArrayOutputStream();
    CodedOutputStream out = CodedOutputStream.newInstance(entry);
    out.writeByteArrayNoTag(bucket.encode());
    out.writeByteArrayNoTag(state.encode());
    out.flush();
    try (JobStore store = JobStore.open(dir); StoreBatch batch = store.newBatch()) {
      store.write(batch.put(Keyspace.HEALTH_JOURNAL, ByteBuffer.allocate(Long.BYTES).putLong(7).array(), entry.toByteArray()));
    }

    try (JobStore store = JobStore.open(dir)) {
      MutableClock clock = new MutableClock(now);
      JobStateMachine machine = new JobStateMachine(store, clock);
      HealthAggregator aggregator = aggregating(machine, store, clock);
      assertEquals(5, storedCompleted(store, bucket));
      int[] left = {0};
      store.scan(Keyspace.HEALTH_JOURNAL, new byte[0], (key, value) -> ++left[0] > 0);
      assertEquals(0, left[0]);

      end(machine, "run-1", now);
      end(machine, "run-2", now);
      assertEquals(7, completed(aggregator.report(), now));
    }
  }

  private static HealthAggregator aggregating(JobStateMachine machine, JobStore store, MutableClock clock) {
    HealthAggregator aggregator = new HealthAggregator(store, clock);
    machine.addListener(aggregator);
    return aggregator;
  }

  /** Makes every write of {@code machine} fail while {@code fail[0]}, after the listeners added before. */
  private static void failWritesWhen(JobStateMachine machine, boolean[] fail) {
    machine.addListener(new StateListener() {
      @Override
      public void beforeWrite(StoreBatch batch) {
        if (fail[0]) {
          throw new IllegalStateException("the write fails");
        }
      }
    });
  }

  /** The bucket of the runs {@link #end} ends at {@code now}. */
  private static BucketKey bucketOf(long now) {
    return new BucketKey(BucketKey.hourOf(now), "billing", name(1));
  }

  private static void end(JobStateMachine machine, String id, long now) {
    end(machine, id, 1, now);
  }

  private static void end(JobStateMachine machine, String id, int name, long now) {
    JobEnded ended = new JobEnded(WORKER, new RunAttributes(id, name(name), null, null, 1, "worker-1", 0, null),
        "trace-" + id, id, now - 100, now, JobOutcome.COMPLETED, null, null);
    machine.applyAll(List.of(new ReceivedSpans(List.of(ended), now)));
  }

  private static long storedCompleted(JobStore store, BucketKey key) {
    byte[] stored = store.get(Keyspace.HEALTH, key.encode());
    return stored == null ? 0 : HourBucket.decode(stored).completed;
  }

  private static int journalEntries(JobStore store) {
    int[] entries = {0};
    HealthAggregator.JournalReader journal = new HealthAggregator.JournalReader();
    store.scan(Keyspace.HEALTH, new byte[0], (key, value) -> {
      if (journal.read(key, value, (bucket, delta) -> { })) {
        entries[0]++;
      }
      return true;
    });
    return entries[0];
  }

  private static long completed(HealthReport report, long now) {
    List<JobHealth> health = report.lastDay(now, "billing");
    assertEquals(1, health.size());
    return health.get(0).counts().get("COMPLETED");
  }

  /** The middle of the current hour: the test's changes all fall in one hour's bucket. */
  private static long midHour() {
    return BucketKey.hourOf(System.currentTimeMillis()) * BucketKey.HOUR_MS + BucketKey.HOUR_MS / 2;
  }

  private static String name(int n) {
    return "com.acme.Job" + n + "#run";
  }
}
