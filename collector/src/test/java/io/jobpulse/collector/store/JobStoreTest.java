package io.jobpulse.collector.store;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jobpulse.collector.state.Flag;
import io.jobpulse.collector.state.FlagType;
import io.jobpulse.collector.state.Job;
import io.jobpulse.collector.state.JobError;
import io.jobpulse.collector.state.JobStatus;
import io.jobpulse.collector.state.Worker;
import io.jobpulse.collector.state.WorkerIdentity;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.rocksdb.RocksIterator;

class JobStoreTest {

  @TempDir Path dir;

  @Test
  void listsByStatusNewestFirstAndMovesIndexEntriesOnUpdate() {
    try (JobStore store = JobStore.open(dir)) {
      Job a = job("a", 1000, JobStatus.RUNNING).build();
      Job b = job("b", 3000, JobStatus.RUNNING).build();
      Job c = job("c", 2000, JobStatus.COMPLETED).build();
      write(store, null, a);
      write(store, null, b);
      write(store, null, c);

      assertEquals(List.of("b", "a"), ids(store.jobs(new JobQuery("RUNNING", null, null, 10))));
      assertEquals(List.of("b", "c", "a"), ids(store.jobs(new JobQuery(null, null, null, 10))));
      assertEquals(List.of("b"), ids(store.jobs(new JobQuery(null, null, null, 1))));

      Job crashed = a.toBuilder().status(JobStatus.CRASHED)
          .flag(new Flag(FlagType.CRASHED, "gone", 5000, 400)).build();
      write(store, a, crashed);
      assertEquals(List.of("b"), ids(store.jobs(new JobQuery("RUNNING", null, null, 10))));
      assertEquals(List.of("a"), ids(store.jobs(new JobQuery("CRASHED", null, null, 10))));
      assertEquals(List.of("a"), ids(store.jobsWithStatus(JobStatus.CRASHED)));

      // A flag beside a live status is found by either name.
      Job stuck = b.toBuilder().flag(new Flag(FlagType.STUCK, "too long", 6000, 0)).build();
      write(store, b, stuck);
      assertEquals(List.of("b"), ids(store.jobs(new JobQuery("STUCK", null, null, 10))));
      assertEquals(List.of("b"), ids(store.jobs(new JobQuery("RUNNING", null, null, 10))));
    }
  }

  @Test
  void aPageOfFlaggedRunsShowsEachRunsLatestVersion() {
    try (JobStore store = JobStore.open(dir)) {
      Job running = job("r", 1000, JobStatus.RUNNING).progressDone(1L).build();
      Job stuck = running.toBuilder().flag(new Flag(FlagType.STUCK, "too long", 2000, 0)).build();
      write(store, null, running);
      write(store, running, stuck);
      Job moved = stuck.toBuilder().progressDone(7L).build(); // rewritten, not moved in any index
      write(store, stuck, moved);
      assertEquals(List.of(moved), store.jobs(new JobQuery("STUCK", null, null, 10)));

      Job crashed = moved.toBuilder().status(JobStatus.CRASHED)
          .flag(new Flag(FlagType.CRASHED, "worker gone", 3000, 40)).build();
      write(store, moved, crashed);
      Job enriched = crashed.toBuilder().endedAt(3500L)
          .error(new JobError("java.lang.IllegalStateException", "late", "UNKNOWN")).build();
      write(store, crashed, enriched);
      assertEquals(List.of(), store.jobs(new JobQuery("STUCK", null, null, 10)));
      assertEquals(List.of(enriched), store.jobs(new JobQuery("CRASHED", null, null, 10)));

      try (StoreBatch batch = store.newBatch()) {
        store.write(batch.deleteJob(enriched));
      }
      assertEquals(List.of(), store.jobs(new JobQuery("CRASHED", null, null, 10)));
    }
  }

  @Test
  void flaggedEntriesWrittenWithoutTheRecordAreReadFromTheRuns() throws Exception {
    try (JobStore store = JobStore.open(dir)) {
      List<Job> crashed = List.of(crashed("c1", 1000), crashed("c2", 2000), crashed("c3", 3000));
      for (Job job : crashed) {
        write(store, null, job);
      }
      // As versions before the flags' entries carried records wrote them: empty.
      try (StoreBatch batch = store.newBatch()) {
        batch.writeBatch().put(store.jobsByLabel, Keys.labelIndex("CRASHED", 2000, Keys.id("c2")), new byte[0]);
        store.write(batch);
      }
      assertEquals(List.of("c3", "c2", "c1"), ids(store.jobs(new JobQuery("CRASHED", null, null, 10))));
      assertEquals(crashed.get(1), store.jobs(new JobQuery("CRASHED", null, null, 10)).get(1));
      assertEquals(List.of("c2"), ids(store.jobs(new JobQuery("CRASHED", null, null, 1, JobQuery.cursorOf(crashed.get(2)), 0))));
    }
  }

  @Test
  void completedRunsAreListedFromTheTimeIndexAlone() throws Exception {
    try (JobStore store = JobStore.open(dir)) {
      Job a = job("a", 1000, JobStatus.RUNNING).build();
      Job b = job("b", 2000, JobStatus.COMPLETED).build();
      Job c = job("c", 3000, JobStatus.FAILED).build();
      // Reconciled after a crash: COMPLETED by the time index, CRASHED by its flag's label.
      Job d = job("d", 4000, JobStatus.COMPLETED).flag(new Flag(FlagType.CRASHED, "gone", 4500, 10))
          .flaggedThenRecovered(true).build();
      for (Job job : List.of(a, b, c, d)) {
        write(store, null, job);
      }
      assertEquals(List.of("d", "b"), ids(store.jobs(new JobQuery("COMPLETED", null, null, 10))));
      assertEquals(List.of("b"), ids(store.jobs(new JobQuery("COMPLETED", null, null, 10, JobQuery.cursorOf(d), 0))));
      assertEquals(List.of("d"), ids(store.jobs(new JobQuery("CRASHED", null, null, 10))));

      Job aDone = a.toBuilder().status(JobStatus.COMPLETED).endedAt(5000L).build();
      write(store, a, aDone); // its time index entry stays put and names its new status
      assertEquals(List.of("d", "b", "a"), ids(store.jobs(new JobQuery("COMPLETED", null, null, 10))));
      assertEquals(List.of(), ids(store.jobs(new JobQuery("RUNNING", null, null, 10))));
      assertEquals(List.of("d", "c", "b", "a"), ids(store.jobs(new JobQuery(null, null, null, 10))));
      assertEquals(List.of("d", "b", "a"), ids(store.jobsWithStatus(JobStatus.COMPLETED)));
      assertEquals(Map.of("COMPLETED", 3L, "FAILED", 1L, "CRASHED", 1L), store.countByLabel());
      assertEquals(List.of("CRASHED", "FAILED"), labels(store), "no COMPLETED entry in the label index");

      try (StoreBatch batch = store.newBatch()) {
        store.write(batch.deleteJob(b).deleteJob(d));
      }
      assertEquals(List.of("a"), ids(store.jobs(new JobQuery("COMPLETED", null, null, 10))));
      assertEquals(List.of("FAILED"), labels(store));
    }
  }

  @Test
  void aStoreThatListedCompletedRunsByLabelIsMovedOnceAtOpen() throws Exception {
    List<Job> completed = List.of(job("c1", 1000, JobStatus.COMPLETED).build(), job("c2", 2000, JobStatus.COMPLETED).build());
    Job failed = job("f", 1500, JobStatus.FAILED).build();
    try (JobStore store = JobStore.open(dir)) {
      write(store, null, failed);
      // As versions before wrote them: a label entry per COMPLETED run, empty time index values.
      try (StoreBatch batch = store.newBatch()) {
        for (Job job : completed) {
          batch.writeBatch().put(store.jobs, Keys.id(job.id()), JobCodec.encode(job));
          batch.writeBatch().put(store.jobsByLabel, Keys.labelIndex("COMPLETED", job.sortTime(), Keys.id(job.id())), new byte[0]);
          batch.writeBatch().put(store.jobsByTime, Keys.timeIndex(job.sortTime(), job.id()), new byte[0]);
        }
        batch.writeBatch().delete(store.meta, "layout:time-listed".getBytes(StandardCharsets.UTF_8));
        store.write(batch);
      }
      assertEquals(List.of("COMPLETED", "COMPLETED", "FAILED"), labels(store));
    }
    try (JobStore store = JobStore.open(dir)) {
      assertEquals(List.of("c2", "c1"), ids(store.jobs(new JobQuery("COMPLETED", null, null, 10))));
      assertEquals(List.of("c2", "f", "c1"), ids(store.jobs(new JobQuery(null, null, null, 10))));
      assertEquals(List.of("FAILED"), labels(store));
    }
  }

  @Test
  void filtersByNameAndServiceAndCountsChildren() {
    try (JobStore store = JobStore.open(dir)) {
      write(store, null, job("p", 1000, JobStatus.RUNNING).name("com.acme.Parent#run").build());
      write(store, null, job("c1", 1100, JobStatus.COMPLETED).parentId("p").build());
      write(store, null, job("c2", 1200, JobStatus.CRASHED).parentId("p").build());
      write(store, null, job("c3", 1300, JobStatus.COMPLETED).parentId("p").service("other").build());

      assertEquals(List.of("p"), ids(store.jobs(new JobQuery(null, "com.acme.Parent#run", null, 10))));
      assertEquals(List.of("c3"), ids(store.jobs(new JobQuery(null, null, "other", 10))));
      assertEquals(Map.of("COMPLETED", 2L, "CRASHED", 1L), store.childrenByStatus("p"));
    }
  }

  @Test
  void everythingSurvivesAReopen() {
    Job job = job("x", 1000, JobStatus.FAILED).build();
    Worker worker = Worker.firstSeen(new WorkerIdentity("w", "svc", 1L, "h", "v"), 900, 5000).withHeartbeat(950, 500);
    try (JobStore store = JobStore.open(dir)) {
      try (StoreBatch batch = store.newBatch()) {
        batch.putJob(null, job).putWorker(worker).putCounter("falsePositives", 3)
            .putRunTotals(new RunTotals("n", 4, 40, 12));
        store.write(batch);
      }
    }
    try (JobStore store = JobStore.open(dir)) {
      assertEquals(job, store.job("x").orElseThrow());
      assertEquals(worker, store.worker("w").orElseThrow());
      assertEquals(3, store.counter("falsePositives"));
      assertEquals(new RunTotals("n", 4, 40, 12), store.runTotals().get("n"));
      assertTrue(store.job("missing").isEmpty());
    }
  }

  @Test
  void theWriteAheadLogStaysWithinItsBudget() throws Exception {
    long budget = 4L << 20;
    Worker worker = Worker.firstSeen(new WorkerIdentity("w", "svc", 1L, "h", "v"), 900, 5000);
    try (JobStore store = JobStore.open(dir, false, budget)) {
      // A worker written once, then ~20 MiB of runs, far below a memtable's size: without a
      // budget every log file would be kept until the families holding them fill up.
      try (StoreBatch batch = store.newBatch()) {
        store.write(batch.putWorker(worker));
      }
      for (int i = 0; i < 10_000; i++) {
        write(store, null, job("run-" + i, 1000 + i, JobStatus.COMPLETED).stackTop("x".repeat(2000)).build());
      }
      // RocksDB looks at the logs' size only when a write comes, and drops a log only once the
      // flush it started ends. A slow disk lets more than the budget pile up during the last
      // flush, and nothing would look again: keep writing, as heartbeats do in a collector.
      await().atMost(Duration.ofSeconds(30)).until(() -> {
        try (StoreBatch batch = store.newBatch()) {
          store.write(batch.putWorker(worker));
        }
        return logBytes(dir) <= 2 * budget;
      });
    }
    try (JobStore store = JobStore.open(dir)) {
      assertEquals(worker, store.worker("w").orElseThrow());
      assertEquals(10_000, store.jobs(new JobQuery("COMPLETED", null, null, 10_000)).size());
    }
  }

  private static long logBytes(Path dir) throws IOException {
    try (Stream<Path> files = Files.list(dir)) {
      return files.filter(file -> file.getFileName().toString().endsWith(".log")).mapToLong(file -> file.toFile().length()).sum();
    }
  }

  @Test
  void aBatchWrittenInKeyOrderKeepsTheOrderOfTwoChangesToOneRun() {
    try (JobStore store = JobStore.open(dir)) {
      Job gone = crashed("gone", 1000);
      Job back = crashed("back", 2000);
      write(store, null, back);
      try (StoreBatch batch = store.newBatch()) {
        // Given out of key order, and each run changed twice: the second change must win.
        batch.putJob(null, crashed("zz-new", 4000));
        batch.putJob(null, gone).deleteJob(gone);
        batch.deleteJob(back).putJob(null, back);
        batch.putJob(null, crashed("aa-new", 3000));
        store.write(batch);
      }

      assertTrue(store.job("gone").isEmpty());
      assertEquals(back, store.job("back").orElseThrow());
      assertEquals(List.of("zz-new", "aa-new", "back"), ids(store.jobs(new JobQuery("CRASHED", null, null, 10))));
      assertEquals(List.of("zz-new", "aa-new", "back"), ids(store.jobs(new JobQuery(null, null, null, 10))));
      assertEquals(List.of("CRASHED", "CRASHED", "CRASHED"), labels(store));
    }
  }

  @Test
  void aSecondOpenOfTheSameDirectoryFailsClearly() {
    try (JobStore store = JobStore.open(dir)) {
      StoreException e = assertThrows(StoreException.class, () -> JobStore.open(dir));
      assertTrue(e.getMessage().contains(dir.toString()), e.getMessage());
    }
  }

  private static Job crashed(String id, long startedAt) {
    return job(id, startedAt, JobStatus.CRASHED).flag(new Flag(FlagType.CRASHED, "worker gone", startedAt + 10, 5)).build();
  }

  @Test
  void aBatchWhoseRecordsBeganEncodingEarlyIsWrittenAsPutInOrder() {
    try (JobStore store = JobStore.open(dir)) {
      Job gone = job("gone", 500, JobStatus.COMPLETED).build();
      write(store, null, gone);
      List<Job> first = new ArrayList<>();
      for (int i = 0; i < 3 * StoreBatch.MIN_SHARED_RECORDS; i++) {
        first.add(job("early-" + i, 1000 + i, JobStatus.RUNNING).build());
      }
      Job rewritten = first.get(0).toBuilder().status(JobStatus.COMPLETED).build();
      try (StoreBatch batch = store.newBatch()) {
        first.forEach(job -> batch.putJob(null, job));
        batch.startEncoding();
        batch.putJob(first.get(0), rewritten); // after the round began: the later put wins
        batch.putJob(null, job("late", 3000, JobStatus.RUNNING).build());
        batch.deleteJob(gone);
        store.write(batch);
      }
      assertEquals(Optional.of(rewritten), store.job("early-0"));
      assertEquals(Optional.of(first.get(5)), store.job("early-5"));
      assertTrue(store.job("late").isPresent());
      assertEquals(Optional.empty(), store.job("gone"));
      assertEquals(List.of("early-0"), ids(store.jobs(new JobQuery("COMPLETED", null, null, 10))));
      List<String> running = ids(store.jobs(new JobQuery("RUNNING", null, null, 100)));
      assertEquals(first.size(), running.size()); // early-0 moved out, late in
      assertTrue(running.contains("late") && !running.contains("early-0"));
    }
  }

  @Test
  void aBatchClosedUnwrittenLetsTheNextOneEncodeWithTheHelper() {
    try (JobStore store = JobStore.open(dir)) {
      List<Job> runs = new ArrayList<>();
      for (int i = 0; i < 2 * StoreBatch.MIN_SHARED_RECORDS; i++) {
        runs.add(job("r-" + i, 1000 + i, JobStatus.RUNNING).build());
      }
      try (StoreBatch abandoned = store.newBatch()) {
        runs.forEach(job -> abandoned.putJob(null, job));
        abandoned.startEncoding();
      }
      assertEquals(Optional.empty(), store.job("r-0"));
      try (SharedWork.Round<String> next = store.helper.start(runs.size(), i -> "")) {
        assertTrue(next.isShared(), "the helper was let go with the abandoned batch");
      }
      try (StoreBatch batch = store.newBatch()) {
        runs.forEach(job -> batch.putJob(null, job));
        batch.startEncoding();
        store.write(batch);
      }
      assertEquals(Optional.of(runs.get(3)), store.job("r-3"));
    }
  }

  private static Job.Builder job(String id, long startedAt, JobStatus status) {
    return Job.builder(id, startedAt).startedAt(startedAt).status(status).name("com.acme.Job#run").service("svc");
  }

  private static void write(JobStore store, Job before, Job after) {
    try (StoreBatch batch = store.newBatch()) {
      store.write(batch.putJob(before, after));
    }
  }

  /** The label of each label index entry, in key order. */
  private static List<String> labels(JobStore store) {
    List<String> labels = new ArrayList<>();
    try (RocksIterator it = store.iterator(store.jobsByLabel)) {
      for (it.seekToFirst(); it.isValid(); it.next()) {
        String key = new String(it.key(), StandardCharsets.UTF_8);
        labels.add(key.substring(0, key.indexOf('\0')));
      }
    }
    return labels;
  }

  private static List<String> ids(List<Job> jobs) {
    return jobs.stream().map(Job::id).toList();
  }
}
