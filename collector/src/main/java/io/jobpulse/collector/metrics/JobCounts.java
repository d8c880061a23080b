package io.jobpulse.collector.metrics;

import io.jobpulse.collector.state.FlagType;
import io.jobpulse.collector.state.Job;
import io.jobpulse.collector.state.JobStatus;
import io.jobpulse.collector.store.JobStore;
import io.jobpulse.collector.store.StoreBatch;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLongArray;

/**
 * How many stored runs are in each status and carry each flag: exact, and O(1) at start, because
 * every change's delta is written as counters in the same batch as the change itself.
 *
 * <p>Staged and committed on the ingest thread; read from any thread (scrapes).
 */
public final class JobCounts {

  private static final String SEEDED = "jobs.counted";
  private static final JobStatus[] STATUSES = JobStatus.values();
  private static final FlagType[] FLAGS = FlagType.values();
  private static final String[] STATUS_COUNTERS = Arrays.stream(STATUSES).map(JobCounts::statusCounter).toArray(String[]::new);
  private static final String[] FLAG_COUNTERS = Arrays.stream(FLAGS).map(JobCounts::flagCounter).toArray(String[]::new);

  private final AtomicLongArray byStatus = new AtomicLongArray(STATUSES.length);
  private final AtomicLongArray byFlag = new AtomicLongArray(FLAGS.length);
  /** The transaction being staged: its deltas, applied once its batch is written. */
  private final long[] pendingStatus = new long[STATUSES.length];
  private final long[] pendingFlag = new long[FLAGS.length];
  private StoreBatch pendingIn;

  /** Reads the counters; seeds them first when the store predates them (call before ingest starts). */
  public JobCounts(JobStore store) {
    if (store.counter(SEEDED) == 0) {
      seed(store);
    }
    for (JobStatus status : STATUSES) {
      byStatus.set(status.ordinal(), store.counter(statusCounter(status)));
    }
    for (FlagType flag : FLAGS) {
      byFlag.set(flag.ordinal(), store.counter(flagCounter(flag)));
    }
  }

  /**
   * Counts a store written before these counters existed, from the label index's keys alone: a run
   * is listed under its status and, when different, its flag type. Exact but for the few runs
   * reconciled after a terminal flag, which also count under that flag's status name.
   */
  private static void seed(JobStore store) {
    Map<String, Long> labels = store.countByLabel();
    try (StoreBatch batch = store.newBatch()) {
      for (JobStatus status : STATUSES) {
        batch.putCounter(statusCounter(status), labels.getOrDefault(status.name(), 0L));
      }
      for (FlagType flag : FLAGS) {
        batch.putCounter(flagCounter(flag), labels.getOrDefault(flag.name(), 0L));
      }
      store.write(batch.putCounter(SEEDED, 1));
    }
  }

  /**
   * Stages the counters' change from {@code before} to {@code after}, to be written into {@code
   * batch} by {@link #writeStaged}: {@code before} is {@code null} for a new run, {@code after}
   * {@code null} for a removed one.
   */
  public void stage(Job before, Job after, StoreBatch batch) {
    if (batch != pendingIn) {
      clearPending(); // a batch that was never committed (its write failed) is forgotten
      pendingIn = batch;
    }
    JobStatus statusBefore = before == null ? null : before.status();
    JobStatus statusAfter = after == null ? null : after.status();
    if (statusBefore != statusAfter) {
      if (statusBefore != null) {
        pendingStatus[statusBefore.ordinal()]--;
      }
      if (statusAfter != null) {
        pendingStatus[statusAfter.ordinal()]++;
      }
    }
    FlagType flagBefore = before == null || before.flag() == null ? null : before.flag().type();
    FlagType flagAfter = after == null || after.flag() == null ? null : after.flag().type();
    if (flagBefore != flagAfter) {
      if (flagBefore != null) {
        pendingFlag[flagBefore.ordinal()]--;
      }
      if (flagAfter != null) {
        pendingFlag[flagAfter.ordinal()]++;
      }
    }
  }

  /**
   * Writes the counters the staged changes moved into {@code batch}, once per transaction however
   * many runs it changed (before, each run's change wrote two counters).
   */
  public void writeStaged(StoreBatch batch) {
    if (batch != pendingIn) {
      return;
    }
    for (int i = 0; i < pendingStatus.length; i++) {
      if (pendingStatus[i] != 0) {
        batch.putCounter(STATUS_COUNTERS[i], Math.max(0, byStatus.get(i) + pendingStatus[i]));
      }
    }
    for (int i = 0; i < pendingFlag.length; i++) {
      if (pendingFlag[i] != 0) {
        batch.putCounter(FLAG_COUNTERS[i], Math.max(0, byFlag.get(i) + pendingFlag[i]));
      }
    }
  }

  /** Makes the staged deltas visible: their batch is written. */
  public void commit() {
    for (int i = 0; i < pendingStatus.length; i++) {
      byStatus.addAndGet(i, pendingStatus[i]);
    }
    for (int i = 0; i < pendingFlag.length; i++) {
      byFlag.addAndGet(i, pendingFlag[i]);
    }
    clearPending();
    pendingIn = null;
  }

  public Map<JobStatus, Long> byStatus() {
    Map<JobStatus, Long> result = new EnumMap<>(JobStatus.class);
    for (JobStatus status : STATUSES) {
      result.put(status, byStatus.get(status.ordinal()));
    }
    return result;
  }

  public Map<FlagType, Long> byFlag() {
    Map<FlagType, Long> result = new EnumMap<>(FlagType.class);
    for (FlagType flag : FLAGS) {
      result.put(flag, byFlag.get(flag.ordinal()));
    }
    return result;
  }

  private void clearPending() {
    Arrays.fill(pendingStatus, 0);
    Arrays.fill(pendingFlag, 0);
  }

  private static String statusCounter(JobStatus status) {
    return "jobs.status." + status.name();
  }

  private static String flagCounter(FlagType flag) {
    return "jobs.flag." + flag.name();
  }
}
