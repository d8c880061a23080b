package io.jobpulse.collector.health;

import com.google.protobuf.CodedInputStream;
import com.google.protobuf.CodedOutputStream;
import io.jobpulse.collector.state.ErrorClassifier;
import io.jobpulse.collector.state.FlagType;
import io.jobpulse.collector.state.Job;
import io.jobpulse.collector.state.JobStatus;
import io.jobpulse.collector.state.SpanEvent.RunSummary;
import io.jobpulse.collector.state.StateListener;
import io.jobpulse.collector.state.WorkerIdentity;
import io.jobpulse.collector.store.JobStore;
import io.jobpulse.collector.store.Keyspace;
import io.jobpulse.collector.store.StoreBatch;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.time.Clock;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Keeps the hourly health aggregates of every job name as runs end and flags are raised, so that
 * {@code GET /api/health} reads at most 24 records per name instead of scanning runs.
 *
 * <p>Each update is staged into the very batch that writes the run's change, so the aggregates
 * and the runs can never disagree after a crash. Runs on the ingest thread only (see {@link
 * StateListener}); a bucket is read from the store once, then kept in memory, the least recently
 * used forgotten first beyond {@link #MAX_KEPT}; a transaction changes the buckets it touches in
 * memory and writes each once, before its batch is written (see {@link #beforeWrite}). When a
 * transaction's write fails, every kept bucket is forgotten and read again: memory never runs
 * ahead of the store.
 *
 * <p>How a bucket is written: a fleet's transactions each touch hundreds of the same few thousand
 * buckets, and a bucket rewritten in place is a memtable insert at a random place, per transaction
 * (under the load benchmark, a fifth of the ingest thread's time; BENCHMARKS.md §3). So a transaction writes the buckets it
 * changed as one entry of a journal ({@link Keyspace#HEALTH_JOURNAL}), and the buckets themselves
 * are written at most every {@link #CHECKPOINT_INTERVAL_MS}, with the journal removed in the same
 * batch. A journal left by a crash is applied when the aggregator is next built. Until written,
 * the states journaled are kept in {@link #unwritten}, where {@link HealthReport} reads them.
 *
 * <p>What is counted, in the hour (collector clock) it happened: a run ending (by its status;
 * completed ones with their duration, failed ones with their category and signature); a flag
 * raised on a live run ({@code STUCK}, {@code STALLED}, ...); the agent's short-run summaries as
 * completed runs of their average duration. A terminal flag later contradicted by the worker (a
 * false positive) is taken back from the hour it was counted in.
 */
public final class HealthAggregator implements StateListener {

  /** Hours of aggregates kept; older ones are removed as the clock enters a new hour. */
  static final long RETENTION_HOURS = 24 * 8;
  /**
   * The most buckets kept in memory between transactions: bounds the heap with many services × job
   * names (a bucket of an hour is a few KiB). A fleet with more names than this in one hour reads
   * only its least active names' buckets back from the store, not all of them.
   */
  static final int MAX_KEPT = 8_192;
  /** The longest the buckets go without being written, their changes being journaled meanwhile. */
  static final long CHECKPOINT_INTERVAL_MS = 1_000;

  private final JobStore store;
  private final Clock clock;
  /** The buckets as written, plus the current transaction's changes (see {@link #bucket}); least recently used first. */
  private final LinkedHashMap<BucketKey, HourBucket> kept = new LinkedHashMap<>(1024, 0.75f, true);
  /** The buckets the current transaction changed. */
  private final Set<BucketKey> staged = new HashSet<>();
  private StoreBatch stagedIn;
  /** The batch being written with this listener's changes, {@code null} when it has none. */
  private StoreBatch writing;
  private StoreBatch lastWritten;
  private long keptHour = Long.MIN_VALUE;
  private long prunedBefore = Long.MIN_VALUE;
  /**
   * The encoded state of each bucket journaled since the buckets were last written: the newest
   * state of each, on the store's journal. Written by the ingest thread once a write succeeded,
   * read by {@link HealthReport} on request threads. Bounded: past {@link #MAX_KEPT} buckets, the
   * next transaction writes them all.
   */
  private final Map<BucketKey, byte[]> unwritten = new ConcurrentHashMap<>();
  /** The states {@link #beforeWrite} staged, published to {@link #unwritten} once written. */
  private final Map<BucketKey, byte[]> writingStates = new HashMap<>();
  private boolean writingCheckpoint;
  /** The journal holds the entries from {@code journalStart} (inclusive) to {@code journalEnd}. */
  private long journalStart;
  private long journalEnd;
  private long checkpointDueAt = Long.MIN_VALUE;

  /**
   * Builds the aggregator of {@code store}'s buckets, first writing into them what a journal left
   * by a crash holds.
   */
  public HealthAggregator(JobStore store, Clock clock) {
    this.store = store;
    this.clock = clock;
    applyJournal();
  }

  /** Reads the aggregates as this aggregator last wrote them, its unwritten ones included. */
  public HealthReport report() {
    return new HealthReport(store, unwritten);
  }

  @Override
  public void staging(Job before, Job after, StoreBatch batch) {
    if (after.name() == null) {
      return; // listed by a heartbeat before its name arrived: nothing to group it under yet
    }
    long now = clock.millis();
    boolean wasOver = before != null && before.status().isTerminal();
    boolean isOver = after.status().isTerminal();
    if (wasOver && (!isOver || before.status() != after.status())) {
      takeBack(before, batch);
    }
    if (isOver && (!wasOver || before.status() != after.status())) {
      HourBucket bucket = bucket(batch, now, after);
      bucket.count(after.status().name(), 1);
      switch (after.status()) {
        case COMPLETED -> {
          bucket.completed++;
          if (after.durationMs() != null) {
            bucket.durations.add(after.durationMs(), 1);
          }
        }
        case FAILED -> {
          bucket.failed++;
          String type = after.error() == null ? null : after.error().type();
          String message = after.error() == null ? null : after.error().message();
          String category = after.error() == null || after.error().category() == null
              ? ErrorClassifier.categorize(type, message) : after.error().category();
          bucket.failure(ErrorSignature.of(type, message), type, category, now);
        }
        default -> bucket.flagged++; // CRASHED, LOST, ABANDONED: ended by a flag
      }
    }
    FlagType raised = newLiveFlag(before, after);
    if (raised != null) {
      HourBucket bucket = bucket(batch, now, after);
      bucket.count(raised.name(), 1);
      bucket.flagged++;
    }
  }

  @Override
  public void summarized(WorkerIdentity worker, RunSummary summary, StoreBatch batch) {
    if (summary.count() <= 0 || summary.name() == null) {
      return;
    }
    long now = clock.millis();
    BucketKey key = key(now, worker.service(), summary.name());
    HourBucket bucket = bucket(batch, key);
    bucket.count(JobStatus.COMPLETED.name(), summary.count());
    bucket.completed += summary.count();
    bucket.durations.add(summary.totalMs() / summary.count(), summary.count());
  }

  /**
   * Writes the buckets the transaction changed, once each however many of its runs changed them:
   * as one journal entry, or, when a checkpoint is due, every unwritten bucket in place with the
   * journal removed.
   */
  @Override
  public void beforeWrite(StoreBatch batch) {
    writing = batch == stagedIn ? batch : null;
    if (writing == null) {
      return;
    }
    writingStates.clear();
    for (BucketKey key : staged) {
      writingStates.put(key, kept.get(key).encode());
    }
    long now = clock.millis();
    writingCheckpoint = now >= checkpointDueAt || unwritten.size() + writingStates.size() > MAX_KEPT;
    if (writingCheckpoint) {
      unwritten.forEach((key, state) -> {
        if (!writingStates.containsKey(key)) {
          batch.put(Keyspace.HEALTH, key.encode(), state);
        }
      });
      writingStates.forEach((key, state) -> batch.put(Keyspace.HEALTH, key.encode(), state));
      if (journalEnd > journalStart) {
        batch.deleteRange(Keyspace.HEALTH_JOURNAL, journalKey(journalStart), journalKey(journalEnd));
      }
    } else {
      batch.put(Keyspace.HEALTH_JOURNAL, journalKey(journalEnd), journalEntry(writingStates));
    }
  }

  @Override
  public void committed(List<JobChange> jobs, List<WorkerChange> workers) {
    if (writing == null) {
      return;
    }
    lastWritten = writing; // this transaction's changes are in the store
    if (writingCheckpoint) {
      // Cleared only now the buckets are in the store: a report reads one or the other.
      unwritten.clear();
      journalStart = journalEnd;
      checkpointDueAt = clock.millis() + CHECKPOINT_INTERVAL_MS;
    } else {
      unwritten.putAll(writingStates);
      journalEnd++;
    }
  }

  /** A flag on a run that goes on living, raised by this change; {@code null} when none. */
  private static FlagType newLiveFlag(Job before, Job after) {
    if (after.flag() == null || after.flag().type().name().equals(after.status().name())) {
      return null;
    }
    if (before != null && before.flag() != null && before.flag().type() == after.flag().type()) {
      return null;
    }
    return after.flag().type();
  }

  /** Removes {@code before}'s terminal count from the hour it was counted in (a false positive). */
  private void takeBack(Job before, StoreBatch batch) {
    if (before.status() == JobStatus.COMPLETED || before.status() == JobStatus.FAILED) {
      return; // ends the worker reported are never contradicted
    }
    long countedAt = before.flag() != null ? before.flag().flaggedAt()
        : before.lastSeenAt() != null ? before.lastSeenAt() : before.firstSeenAt();
    BucketKey key = key(countedAt, before.service(), before.name());
    if (BucketKey.hourOf(clock.millis()) - key.hour() >= RETENTION_HOURS) {
      return;
    }
    HourBucket bucket = bucket(batch, key);
    bucket.count(before.status().name(), -1);
    bucket.flagged = Math.max(0, bucket.flagged - 1);
  }

  private HourBucket bucket(StoreBatch batch, long now, Job job) {
    return bucket(batch, key(now, job.service(), job.name()));
  }

  private HourBucket bucket(StoreBatch batch, BucketKey key) {
    if (batch != stagedIn) {
      long hour = BucketKey.hourOf(clock.millis());
      if (stagedIn != lastWritten || hour != keptHour) {
        // The previous transaction's changes never reached the store, or a new hour began (past
        // hours are rarely touched again): read afresh.
        kept.clear();
        keptHour = hour;
      } else {
        forgetLeastUsed();
      }
      staged.clear();
      stagedIn = batch;
      prune(batch);
    }
    HourBucket bucket = kept.get(key);
    if (bucket == null) {
      byte[] stored = unwritten.get(key);
      if (stored == null) {
        stored = store.get(Keyspace.HEALTH, key.encode());
      }
      bucket = stored == null ? new HourBucket() : HourBucket.decode(stored);
      kept.put(key, bucket);
    }
    staged.add(key);
    return bucket;
  }

  /**
   * Trims the kept buckets to {@link #MAX_KEPT}, between transactions only: the buckets a
   * transaction staged must stay until {@link #beforeWrite} has written them. Forgetting the least
   * recently used, not all, keeps a fleet just over the bound from reading every bucket back on
   * every transaction.
   */
  private void forgetLeastUsed() {
    int excess = kept.size() - MAX_KEPT;
    if (excess > 0) {
      Iterator<BucketKey> eldest = kept.keySet().iterator();
      for (int i = 0; i < excess; i++) {
        eldest.next();
        eldest.remove();
      }
    }
  }

  /** Once an hour, drops the hours past the retention in the same batch. */
  private void prune(StoreBatch batch) {
    long oldestKept = BucketKey.hourOf(clock.millis()) - RETENTION_HOURS + 1;
    if (oldestKept > prunedBefore) {
      batch.deleteRange(Keyspace.HEALTH, BucketKey.startOf(0), BucketKey.startOf(oldestKept));
      prunedBefore = oldestKept;
    }
  }

  /**
   * Writes into the buckets the states a journal holds (left by a crash between two checkpoints),
   * newest last, and removes it, in one batch.
   */
  private void applyJournal() {
    Map<BucketKey, byte[]> states = new LinkedHashMap<>();
    long[] end = {0};
    store.scan(Keyspace.HEALTH_JOURNAL, journalKey(0), (key, entry) -> {
      readJournalEntry(entry, states);
      end[0] = ByteBuffer.wrap(key).getLong() + 1;
      return true;
    });
    if (end[0] == 0) {
      return;
    }
    try (StoreBatch batch = store.newBatch()) {
      states.forEach((key, state) -> batch.put(Keyspace.HEALTH, key.encode(), state));
      batch.deleteRange(Keyspace.HEALTH_JOURNAL, journalKey(0), journalKey(end[0]));
      store.write(batch);
    }
    journalStart = end[0];
    journalEnd = end[0];
  }

  /** A journal entry: each bucket's key and state, length-delimited. */
  private static byte[] journalEntry(Map<BucketKey, byte[]> states) {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream(states.size() * 192);
    CodedOutputStream out = CodedOutputStream.newInstance(bytes);
    try {
      for (Map.Entry<BucketKey, byte[]> state : states.entrySet()) {
        out.writeByteArrayNoTag(state.getKey().encode());
        out.writeByteArrayNoTag(state.getValue());
      }
      out.flush();
    } catch (IOException e) {
      throw new IllegalStateException("cannot happen: writing to memory", e);
    }
    return bytes.toByteArray();
  }

  private static void readJournalEntry(byte[] entry, Map<BucketKey, byte[]> states) {
    CodedInputStream in = CodedInputStream.newInstance(entry);
    try {
      while (!in.isAtEnd()) {
        BucketKey key = BucketKey.decode(in.readByteArray());
        states.put(key, in.readByteArray());
      }
    } catch (IOException e) {
      throw new IllegalStateException("a health journal entry cannot be read: " + e.getMessage(), e);
    }
  }

  private static byte[] journalKey(long seq) {
    return ByteBuffer.allocate(Long.BYTES).putLong(seq).array();
  }

  private static BucketKey key(long at, String service, String name) {
    return new BucketKey(BucketKey.hourOf(at), service == null ? "" : service, name);
  }
}
