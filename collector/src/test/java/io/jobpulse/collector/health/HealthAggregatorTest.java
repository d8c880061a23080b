package io.jobpulse.collector.health;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.jobpulse.collector.state.JobStateMachine;
import io.jobpulse.collector.state.ReceivedSpans;
import io.jobpulse.collector.state.SpanEvent;
import io.jobpulse.collector.state.SpanEvent.JobEnded;
import io.jobpulse.collector.state.SpanEvent.RunAttributes;
import io.jobpulse.collector.state.WorkerIdentity;
import io.jobpulse.collector.store.JobStore;
import io.jobpulse.collector.testing.MutableClock;
import io.jobpulse.contract.JobOutcome;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
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
      machine.addListener(new HealthAggregator(store, clock));
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

      List<JobHealth> health = new HealthReport(store).lastDay(now, "billing");
      assertEquals(names, health.size());
      for (JobHealth job : health) {
        assertEquals(transactions, job.counts().get("COMPLETED"), job.name());
      }
    }
  }

  private static String name(int n) {
    return "com.acme.Job" + n + "#run";
  }
}
