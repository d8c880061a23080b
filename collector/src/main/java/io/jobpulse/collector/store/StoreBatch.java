package io.jobpulse.collector.store;

import io.jobpulse.collector.state.Job;
import io.jobpulse.collector.state.Worker;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import org.rocksdb.RocksDBException;
import org.rocksdb.WriteBatch;

/**
 * Changes written together by {@link JobStore#write}: runs with their index entries, workers,
 * counters. The runs' families are written in key order (see {@link KeyOrderedWrites}), the others
 * in the order given. Not thread-safe; close it after writing.
 */
public final class StoreBatch implements AutoCloseable {

  private static final byte[] EMPTY = new byte[0];
  private static final byte[][] NO_KEYS = new byte[0][];
  /** Below this many runs, waking the helper to encode them costs more than it could take. */
  static final int MIN_SHARED_RECORDS = 16;

  private final JobStore store;
  private final WriteBatch batch = new WriteBatch();
  private final KeyOrderedWrites runs;
  private final KeyOrderedWrites byLabel;
  private final KeyOrderedWrites byTime;
  private final KeyOrderedWrites children;
  /**
   * The runs put and not yet added to the families, as {@link #putJob} was given them: encoded from
   * {@link #startEncoding}, or when written.
   */
  private final List<Job> putBefore = new ArrayList<>();
  private final List<Job> putAfter = new ArrayList<>();
  /** The records {@link #startEncoding} began, of these runs, replacing these; {@code null} when none. */
  private SharedWork.Round<byte[]> encoding;
  private Job[] encodingAfter;
  private List<Job> encodingBefore;

  StoreBatch(JobStore store) {
    this.store = store;
    this.runs = new KeyOrderedWrites(store.jobs);
    this.byLabel = new KeyOrderedWrites(store.jobsByLabel);
    this.byTime = new KeyOrderedWrites(store.jobsByTime);
    this.children = new KeyOrderedWrites(store.children);
  }

  /**
   * Writes {@code after}, replacing {@code before} (the stored version, {@code null} for a new
   * run) and moving its index entries.
   */
  public StoreBatch putJob(Job before, Job after) {
    putBefore.add(before);
    putAfter.add(after);
    return this;
  }

  /**
   * Starts encoding the records of the runs put so far, on a helper thread, while the caller goes on
   * adding the rest of the batch (listeners' entries, workers): the caller's part of the encoding is
   * then what the helper has not done by the time the batch is written (see {@link SharedWork}).
   */
  public StoreBatch startEncoding() {
    if (encoding == null && putAfter.size() >= MIN_SHARED_RECORDS) {
      Job[] runs = putAfter.toArray(new Job[0]);
      encoding = store.helper.start(runs.length, i -> JobCodec.encode(runs[i]));
      encodingAfter = runs;
      encodingBefore = new ArrayList<>(putBefore); // null for a new run
      putBefore.clear();
      putAfter.clear();
    }
    return this;
  }

  /** Adds the runs put so far to their families, in the order put. */
  private void addPutJobs() {
    if (encoding != null) {
      encoding.runUnclaimed();
      for (int i = 0; i < encodingAfter.length; i++) {
        addPutJob(encodingBefore.get(i), encodingAfter[i], encoding.get(i));
      }
      encoding.close();
      encoding = null;
      encodingAfter = null;
      encodingBefore = null;
    }
    for (int i = 0; i < putAfter.size(); i++) {
      addPutJob(putBefore.get(i), putAfter.get(i), JobCodec.encode(putAfter.get(i)));
    }
    putBefore.clear();
    putAfter.clear();
  }

  private void addPutJob(Job before, Job after, byte[] record) {
    // Index entries are written only where they change: a heartbeat rewrites a run without
    // moving it in any index, and each put is a memtable entry for flush and compaction too.
    // The id is encoded once for the record's key and every index key (before and after are
    // versions of one run).
    byte[] id = Keys.id(after.id());
    byte[][] labelsAfter = labelKeys(after, id);
    byte[][] labelsBefore = before == null ? NO_KEYS : labelKeys(before, id);
    for (byte[] key : labelsBefore) {
      if (!containsKey(labelsAfter, key)) {
        byLabel.delete(key);
      }
    }
    boolean timeMoved = before == null || before.sortTime() != after.sortTime();
    if (before != null && timeMoved) {
      byTime.delete(Keys.timeIndex(before.sortTime(), id));
    }
    boolean statusChanged = before == null || before.status() != after.status();
    boolean parentMoved = before == null || !Objects.equals(before.parentId(), after.parentId());
    if (before != null && parentMoved && before.parentId() != null) {
      children.delete(Keys.child(before.parentId(), id));
    }
    runs.put(id, record);
    for (int i = 0; i < labelsAfter.length; i++) {
      byte[] key = labelsAfter[i];
      if (carriesRecord(after, i)) {
        byLabel.put(key, record); // rewritten with every version of the run
      } else if (!containsKey(labelsBefore, key)) {
        byLabel.put(key, EMPTY);
      }
    }
    if (timeMoved || statusChanged) {
      byTime.put(Keys.timeIndex(after.sortTime(), id), Keys.status(after.status()));
    }
    if (after.parentId() != null && (parentMoved || before.status() != after.status())) {
      children.put(Keys.child(after.parentId(), id), after.status().name().getBytes(StandardCharsets.UTF_8));
    }
  }

  /**
   * Removes a run that is over, with its index entries (its own entry among its parent's children
   * included). The caller checks it is over: the live state must never lose a run it tracks.
   */
  public StoreBatch deleteJob(Job job) {
    if (!job.status().isTerminal()) {
      throw new IllegalArgumentException("run " + job.id() + " is " + job.status() + ", not over");
    }
    addPutJobs(); // a removal after a put of the same run must stay after it
    byte[] id = Keys.id(job.id());
    runs.delete(id);
    for (byte[] key : labelKeys(job, id)) {
      byLabel.delete(key);
    }
    byTime.delete(Keys.timeIndex(job.sortTime(), id));
    if (job.parentId() != null) {
      children.delete(Keys.child(job.parentId(), id));
    }
    return this;
  }

  /** Writes a record of {@code keyspace}'s owner. */
  public StoreBatch put(Keyspace keyspace, byte[] key, byte[] value) {
    return put(store.handle(keyspace), key, value);
  }

  public StoreBatch delete(Keyspace keyspace, byte[] key) {
    try {
      batch.delete(store.handle(keyspace), key);
      return this;
    } catch (RocksDBException e) {
      throw new StoreException("cannot batch a removal", e);
    }
  }

  /** Removes {@code keyspace}'s keys from {@code fromKey} (inclusive) to {@code toKey} (exclusive). */
  public StoreBatch deleteRange(Keyspace keyspace, byte[] fromKey, byte[] toKey) {
    try {
      batch.deleteRange(store.handle(keyspace), fromKey, toKey);
      return this;
    } catch (RocksDBException e) {
      throw new StoreException("cannot batch a range removal", e);
    }
  }

  public StoreBatch putWorker(Worker worker) {
    return put(store.workers, Keys.id(worker.id()), WorkerCodec.encode(worker));
  }

  /** Removes a worker; the caller checks it is not alive. */
  public StoreBatch deleteWorker(String id) {
    try {
      batch.delete(store.workers, Keys.id(id));
      return this;
    } catch (RocksDBException e) {
      throw new StoreException("cannot batch the removal of worker " + id, e);
    }
  }

  public StoreBatch putRunTotals(RunTotals totals) {
    return put(store.meta, JobStore.summaryKey(totals.name()), JobStore.encode(totals));
  }

  public StoreBatch putCounter(String name, long value) {
    // A JSON number, as JobStore.counter reads it, without a trip through Jackson.
    return put(store.meta, JobStore.counterKey(name), Long.toString(value).getBytes(StandardCharsets.US_ASCII));
  }

  /** The batch to write, the runs' families' entries added to it in key order. */
  WriteBatch writeBatch() {
    addPutJobs();
    try {
      runs.drainTo(batch);
      byLabel.drainTo(batch);
      byTime.drainTo(batch);
      children.drainTo(batch);
      return batch;
    } catch (RocksDBException e) {
      throw new StoreException("cannot batch the runs' changes", e);
    }
  }

  public boolean isEmpty() {
    return batch.count() == 0 && encoding == null && putAfter.isEmpty() && runs.isEmpty() && byLabel.isEmpty() && byTime.isEmpty() && children.isEmpty();
  }

  @Override
  public void close() {
    if (encoding != null) {
      encoding.close(); // not written: let the helper go
    }
    batch.close();
  }

  private StoreBatch put(org.rocksdb.ColumnFamilyHandle family, byte[] key, byte[] value) {
    try {
      batch.put(family, key, value);
      return this;
    } catch (RocksDBException e) {
      throw new StoreException("cannot batch a write", e);
    }
  }

  /**
   * Whether the {@code index}th of {@link #labelKeys}'s entries carries a copy of the run's record:
   * those listing flagged runs (a flag type's name, be it the status or the flag) do. A page of
   * flagged runs is then one scan of the index, where it was a random lookup per run that cost
   * half the CPU of a 5,000-run CRASHED page. Flagged runs are few, so the copies cost ingest
   * little; the statuses of ordinary runs keep empty entries.
   */
  private static boolean carriesRecord(Job job, int index) {
    return index > 0 || !listsStatus(job) || JobStore.isFlagLabel(job.status().name());
  }

  /**
   * A run is listed under its status, unless it is {@link JobStore#TIME_LISTED}, and under its
   * flag type when it has one of another name. The status's entry comes first.
   *
   * @param id the run's id, encoded by {@link Keys#id}
   */
  private static byte[][] labelKeys(Job job, byte[] id) {
    boolean listsFlag = job.flag() != null && !job.flag().type().name().equals(job.status().name());
    byte[] flag = listsFlag ? Keys.labelIndex(job.flag().type().name(), job.sortTime(), id) : null;
    if (!listsStatus(job)) {
      return listsFlag ? new byte[][] {flag} : NO_KEYS;
    }
    byte[] status = Keys.labelIndex(job.status().name(), job.sortTime(), id);
    return listsFlag ? new byte[][] {status, flag} : new byte[][] {status};
  }

  private static boolean listsStatus(Job job) {
    return job.status() != JobStore.TIME_LISTED;
  }

  private static boolean containsKey(byte[][] keys, byte[] key) {
    for (byte[] k : keys) {
      if (Arrays.equals(k, key)) {
        return true;
      }
    }
    return false;
  }
}
