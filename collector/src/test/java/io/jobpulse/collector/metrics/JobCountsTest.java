package io.jobpulse.collector.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.jobpulse.collector.state.Flag;
import io.jobpulse.collector.state.FlagType;
import io.jobpulse.collector.state.Job;
import io.jobpulse.collector.state.JobStatus;
import io.jobpulse.collector.store.JobStore;
import io.jobpulse.collector.store.StoreBatch;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The run counters behind {@code jobpulse_jobs}, on a real RocksDB. */
class JobCountsTest {

  @TempDir Path dir;

  @Test
  void seedsAnOlderStoreThenFollowsCommittedChangesOnly() {
    Job running = Job.builder("a", 1).name("n").status(JobStatus.RUNNING).build();
    Job stuck = Job.builder("b", 2).name("n").status(JobStatus.RUNNING)
        .flag(new Flag(FlagType.STUCK, "too long", 3, 0)).build();
    Job completed = Job.builder("c", 3).name("n").status(JobStatus.COMPLETED).build();
    try (JobStore store = JobStore.open(dir)) {
      try (StoreBatch batch = store.newBatch()) {
        store.write(batch.putJob(null, running).putJob(null, stuck).putJob(null, completed));
      }
      JobCounts counts = new JobCounts(store);
      assertEquals(2, counts.byStatus().get(JobStatus.RUNNING));
      assertEquals(1, counts.byStatus().get(JobStatus.COMPLETED));
      assertEquals(1, counts.byFlag().get(FlagType.STUCK));
      assertEquals(0, counts.byFlag().get(FlagType.CRASHED));

      Job ended = running.toBuilder().status(JobStatus.COMPLETED).build();
      try (StoreBatch never = store.newBatch()) {
        counts.stage(running, ended, never); // its write "fails": never committed
      }
      assertEquals(2, counts.byStatus().get(JobStatus.RUNNING), "staged, not yet visible");
      try (StoreBatch batch = store.newBatch()) {
        counts.stage(running, ended, batch.putJob(running, ended));
        counts.stage(completed, null, batch.deleteJob(completed));
        counts.writeStaged(batch);
        store.write(batch);
      }
      counts.commit();
      assertEquals(1, counts.byStatus().get(JobStatus.RUNNING));
      assertEquals(1, counts.byStatus().get(JobStatus.COMPLETED));
      assertEquals(1, counts.byFlag().get(FlagType.STUCK));
    }
    try (JobStore store = JobStore.open(dir)) {
      JobCounts reread = new JobCounts(store);
      assertEquals(1, reread.byStatus().get(JobStatus.RUNNING), "read back, not seeded again");
      assertEquals(1, reread.byStatus().get(JobStatus.COMPLETED));
    }
  }
}
