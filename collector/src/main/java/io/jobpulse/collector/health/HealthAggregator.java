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
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BiConsumer;

/**
 * Keeps the hourly health aggregates of every job name as runs end and flags are raised, so that
 * {@code GET /api/health} reads at most 24 records per name instead of scanning runs.
 *
 * <p>Each update is staged into the very batch that writes the run's change, so the aggregates
 * and the runs can never disagree after a crash. Runs on the ingest thread only (see {@link
 * StateListener}).
 *
 * <p>How a bucket is written: a fleet's transactions each touch hundreds of the same few thousand
 * buckets, and a bucket rewritten in place is a memtable insert at a random place, per transaction
 * (under the load benchmark, a fifth of the ingest thread's time; BENCHMARKS.md §3). So a
 * transaction's changes are collected per bucket as a delta (an {@link HourBucket} of this
 * transaction's counts alone: encoding each touched bucket whole cost the ingest thread 5–16%
 * more) and written as one entry of a journal, after the buckets in their own keyspace ({@link
 * #journalKey}: one scan reads both as of one moment). The buckets themselves are written at most
 * every {@link #CHECKPOINT_INTERVAL_MS}, with the journal removed in the same batch. A journal left by a crash is applied when the aggregator is next built; a report adds the
 * journal's deltas to the buckets it reads (see {@link HealthReport}).
 *
 * <p>Memory never runs ahead of the store: a bucket is read from the store once, then kept, the
 * least recently used forgotten first beyond {@link #MAX_KEPT}; a transaction's deltas are added to
 * the kept buckets only once its write succeeded ({@link #committed}), and a transaction not
 * written leaves nothing behind. A bucket changed since the last checkpoint is never forgotten:
 * its state is only in memory and in the journal.
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
   * The most buckets kept in memory between transactions, and changed between checkpoints: bounds
   * the heap with many services × job names (a bucket of an hour is a few KiB). A fleet with more
   * names than this in one hour reads only its least active names' buckets back from the store.
   */
  static final int MAX_KEPT = 8_192;
  /** The longest the buckets go without being written, their changes being journaled meanwhile. */
  static final long CHECKPOINT_INTERVAL_MS = 1_000;
  /** Journal keys start with this byte, after every bucket's key (an hour since the epoch, big-endian). */
  private static final byte JOURNAL_PREFIX = (byte) 0xFF;
  /**
   * The first byte of a journal entry that names its buckets by number (see {@link #journalEntry}).
   * An entry of an earlier version starts with its first bucket key's length, never 0.
   */
  private static final int NUMBERED_ENTRY = 0;

  private final JobStore store;
  private final Clock clock;
  /** The buckets as written, in place or by the journal; least recently used first. */
  private final LinkedHashMap<BucketKey, Kept> kept = new LinkedHashMap<>(1024, 0.75f, true);
  /** How many of the kept buckets changed since the last checkpoint. */
  private int changedBuckets;
  /**
   * The buckets the current transaction changed, each holding its changes as its {@link Kept#delta}:
   * a run that ends finds its bucket once, and the write and the commit go down this list with no
   * lookup (one lookup per ended run in a map of deltas, another per bucket in the kept ones, was
   * a quarter of the aggregator's time on the ingest thread).
   */
  private final List<Kept> touched = new ArrayList<>();
  private StoreBatch stagedIn;
  /** The batch being written with this listener's changes, {@code null} when it has none. */
  private StoreBatch writing;
  private boolean writingCheckpoint;
  private long keptHour = Long.MIN_VALUE;
  private long prunedBefore = Long.MIN_VALUE;
  /** The journal holds the entries from {@code journalStart} (inclusive) to {@code journalEnd}. */
  private long journalStart;
  private long journalEnd;
  private long checkpointDueAt = Long.MIN_VALUE;
  /** The number the next bucket journaled since the last checkpoint gets (see {@link #journalEntry}). */
  private int nextJournalNumber = 1;
  /** The buckets the entry being written numbered: unnumbered again when it is not written. */
  private final List<Kept> numbering = new ArrayList<>();

  /**
   * Builds the aggregator of {@code store}'s buckets, first writing into them what a journal left
   * by a crash holds.
   */
  public HealthAggregator(JobStore store, Clock clock) {
    this.store = store;
    this.clock = clock;
    applyFullStateJournal();
    applyJournal();
  }

  /** Reads the aggregates as this aggregator last wrote them, its journal included. */
  public HealthReport report() {
    return new HealthReport(store);
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
      HourBucket delta = delta(batch, key(now, after.service(), after.name()));
      delta.count(after.status(), 1);
      switch (after.status()) {
        case COMPLETED -> {
          delta.completed++;
          if (after.durationMs() != null) {
            delta.durations.add(after.durationMs(), 1);
          }
        }
        case FAILED -> {
          delta.failed++;
          String type = after.error() == null ? null : after.error().type();
          String message = after.error() == null ? null : after.error().message();
          String category = after.error() == null || after.error().category() == null
              ? ErrorClassifier.categorize(type, message) : after.error().category();
          delta.failure(ErrorSignature.of(type, message), type, category, now);
        }
        default -> delta.flagged++; // CRASHED, LOST, ABANDONED: ended by a flag
      }
    }
    FlagType raised = newLiveFlag(before, after);
    if (raised != null) {
      HourBucket delta = delta(batch, key(now, after.service(), after.name()));
      delta.count(raised, 1);
      delta.flagged++;
    }
  }

  @Override
  public void summarized(WorkerIdentity worker, RunSummary summary, StoreBatch batch) {
    if (summary.count() <= 0 || summary.name() == null) {
      return;
    }
    HourBucket delta = delta(batch, key(clock.millis(), worker.service(), summary.name()));
    delta.count(JobStatus.COMPLETED, summary.count());
    delta.completed += summary.count();
    delta.durations.add(summary.totalMs() / summary.count(), summary.count());
  }

  /**
   * Writes the transaction's deltas as one journal entry, however many of its runs changed each
   * bucket; or, when a checkpoint is due, every bucket changed since the last one, in place, these
   * deltas added, with the journal removed.
   */
  @Override
  public void beforeWrite(StoreBatch batch) {
    unnumberUnwritten();
    writing = batch == stagedIn && !touched.isEmpty() ? batch : null;
    if (writing == null) {
      return;
    }
    writingCheckpoint = clock.millis() >= checkpointDueAt || changedBuckets + touched.size() > MAX_KEPT;
    if (!writingCheckpoint) {
      batch.put(Keyspace.HEALTH, journalKey(journalEnd), journalEntry());
      return;
    }
    for (Kept bucket : kept.values()) {
      if (bucket.changedSinceCheckpoint && bucket.delta == null) {
        batch.put(Keyspace.HEALTH, bucket.encodedKey, bucket.state.encode());
      }
    }
    for (Kept bucket : touched) {
      HourBucket written = HourBucket.decode(bucket.state.encode()); // a copy: memory follows once written
      written.merge(bucket.delta);
      batch.put(Keyspace.HEALTH, bucket.encodedKey, written.encode());
    }
    if (journalEnd > journalStart) {
      batch.deleteRange(Keyspace.HEALTH, journalKey(journalStart), journalKey(journalEnd));
    }
  }

  @Override
  public void committed(List<JobChange> jobs, List<WorkerChange> workers) {
    if (writing == null) {
      return;
    }
    writing = null;
    numbering.clear();
    if (writingCheckpoint) {
      kept.values().forEach(bucket -> {
        bucket.changedSinceCheckpoint = false;
        bucket.journalNumber = 0;
      });
      nextJournalNumber = 1;
      changedBuckets = 0;
      journalStart = journalEnd;
      checkpointDueAt = clock.millis() + CHECKPOINT_INTERVAL_MS;
    } else {
      journalEnd++;
    }
    for (Kept bucket : touched) {
      bucket.state.merge(bucket.delta);
      bucket.delta = null;
      if (!writingCheckpoint && !bucket.changedSinceCheckpoint) {
        bucket.changedSinceCheckpoint = true;
        changedBuckets++;
      }
    }
    touched.clear();
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
    HourBucket delta = delta(batch, key);
    delta.count(before.status(), -1);
    delta.flagged--;
  }

  /** This transaction's changes to the bucket {@code key}. */
  private HourBucket delta(StoreBatch batch, BucketKey key) {
    if (batch != stagedIn) {
      // A new transaction: the deltas of one not written are dropped with it.
      for (Kept bucket : touched) {
        bucket.delta = null;
      }
      touched.clear();
      stagedIn = batch;
      forgetUnchanged();
      prune(batch);
    }
    Kept bucket = kept(key);
    if (bucket.delta == null) {
      bucket.delta = new HourBucket();
      touched.add(bucket);
    }
    return bucket.delta;
  }

  /** The bucket {@code key} as written, read from the store when not kept. */
  private Kept kept(BucketKey key) {
    Kept bucket = kept.get(key);
    if (bucket == null) {
      // Not kept, so not changed since the last checkpoint: the stored bucket is the bucket.
      bucket = new Kept(key, stored(key));
      kept.put(key, bucket);
    }
    return bucket;
  }

  /**
   * Between transactions, trims the kept buckets to {@link #MAX_KEPT}, the least recently used
   * first, or forgets all of them when a new hour began (past hours are rarely touched again):
   * never one changed since the last checkpoint. Forgetting the least recently used, not all,
   * keeps a fleet just over the bound from reading every bucket back on every transaction.
   */
  private void forgetUnchanged() {
    long hour = BucketKey.hourOf(clock.millis());
    if (hour != keptHour) {
      kept.values().removeIf(bucket -> !bucket.changedSinceCheckpoint);
      keptHour = hour;
      return;
    }
    int excess = kept.size() - MAX_KEPT;
    for (Iterator<Kept> eldest = kept.values().iterator(); excess > 0 && eldest.hasNext(); ) {
      if (!eldest.next().changedSinceCheckpoint) {
        eldest.remove();
        excess--;
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
   * Adds to the buckets the deltas a journal holds (left by a crash between two checkpoints) and
   * writes them, the journal removed, in one batch.
   */
  private void applyJournal() {
    Map<BucketKey, HourBucket> buckets = new HashMap<>();
    JournalReader journal = new JournalReader();
    long[] end = {0};
    store.scan(Keyspace.HEALTH, journalKey(0), (key, entry) -> {
      journal.read(key, entry, (bucketKey, delta) -> buckets.computeIfAbsent(bucketKey, this::stored).merge(delta));
      end[0] = journalSeq(key) + 1;
      return true;
    });
    if (end[0] == 0) {
      return;
    }
    try (StoreBatch batch = store.newBatch()) {
      buckets.forEach((key, bucket) -> batch.put(Keyspace.HEALTH, key.encode(), bucket.encode()));
      batch.deleteRange(Keyspace.HEALTH, journalKey(0), journalKey(end[0]));
      store.write(batch);
    }
    journalStart = end[0];
    journalEnd = end[0];
  }

  private HourBucket stored(BucketKey key) {
    byte[] stored = store.get(Keyspace.HEALTH, key.encode());
    return stored == null ? new HourBucket() : HourBucket.decode(stored);
  }

  /**
   * Writes into the buckets the states left in {@link Keyspace#HEALTH_JOURNAL} by a version that
   * journaled whole buckets (before 2026-12-07), newest last, and removes them, in one batch.
   */
  private void applyFullStateJournal() {
    Map<BucketKey, byte[]> states = new LinkedHashMap<>();
    long[] end = {0};
    store.scan(Keyspace.HEALTH_JOURNAL, new byte[Long.BYTES], (key, entry) -> {
      readJournalEntry(entry, states::put);
      end[0] = ByteBuffer.wrap(key).getLong() + 1;
      return true;
    });
    if (end[0] == 0) {
      return;
    }
    try (StoreBatch batch = store.newBatch()) {
      states.forEach((key, state) -> batch.put(Keyspace.HEALTH, key.encode(), state));
      batch.deleteRange(Keyspace.HEALTH_JOURNAL, new byte[Long.BYTES], ByteBuffer.allocate(Long.BYTES).putLong(end[0]).array());
      store.write(batch);
    }
  }

  /**
   * The transaction's journal entry: {@link #NUMBERED_ENTRY}, then each touched bucket and its
   * delta, length-delimited. A bucket is named by its key the first time it is journaled since the
   * last checkpoint (a 0, then the key), which numbers it (1, 2, … in that order), and by its
   * number after that: the same few thousand buckets are journaled a hundred times a second under
   * load, and their keys (an hour, a service and a job name) were most of the journal's bytes, a
   * tenth of everything the collector wrote. Read with {@link JournalReader}, every entry since the
   * last checkpoint in order.
   */
  private byte[] journalEntry() {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream(touched.size() * 32);
    CodedOutputStream out = CodedOutputStream.newInstance(bytes);
    try {
      out.writeUInt32NoTag(NUMBERED_ENTRY);
      for (Kept bucket : touched) {
        if (bucket.journalNumber == 0) {
          bucket.journalNumber = nextJournalNumber++;
          numbering.add(bucket);
          out.writeUInt32NoTag(0);
          out.writeByteArrayNoTag(bucket.encodedKey);
        } else {
          out.writeUInt32NoTag(bucket.journalNumber);
        }
        out.writeByteArrayNoTag(bucket.delta.encode());
      }
      out.flush();
    } catch (IOException e) {
      throw new IllegalStateException("cannot happen: writing to memory", e);
    }
    return bytes.toByteArray();
  }

  /** Hands each bucket key and encoded bucket of a journal entry to {@code into}, in order. */
  private static void readJournalEntry(byte[] entry, BiConsumer<BucketKey, byte[]> into) {
    CodedInputStream in = CodedInputStream.newInstance(entry);
    try {
      while (!in.isAtEnd()) {
        BucketKey key = BucketKey.decode(in.readByteArray());
        into.accept(key, in.readByteArray());
      }
    } catch (IOException e) {
      throw new IllegalStateException("a health journal entry cannot be read: " + e.getMessage(), e);
    }
  }

  /** The buckets a journal entry numbered and that was not written are numbered again by the next. */
  private void unnumberUnwritten() {
    if (!numbering.isEmpty()) {
      numbering.forEach(bucket -> bucket.journalNumber = 0);
      nextJournalNumber -= numbering.size();
      numbering.clear();
    }
  }

  /**
   * Reads the journal's entries, each since the last checkpoint in order (a bucket's number is
   * given by the entry that first named it); those of earlier versions name every bucket by its key.
   */
  static final class JournalReader {
    private final List<BucketKey> numbered = new ArrayList<>();

    /** Hands each bucket key and delta of the journal entry under {@code key} to {@code into}; false for a bucket's key. */
    boolean read(byte[] key, byte[] entry, BiConsumer<BucketKey, HourBucket> into) {
      if (key.length == 0 || key[0] != JOURNAL_PREFIX) {
        return false;
      }
      if (entry.length == 0 || entry[0] != NUMBERED_ENTRY) {
        readJournalEntry(entry, (bucketKey, delta) -> into.accept(bucketKey, HourBucket.decode(delta)));
        return true;
      }
      CodedInputStream in = CodedInputStream.newInstance(entry, 1, entry.length - 1);
      try {
        while (!in.isAtEnd()) {
          int number = in.readUInt32();
          BucketKey bucketKey;
          if (number == 0) {
            bucketKey = BucketKey.decode(in.readByteArray());
            numbered.add(bucketKey);
          } else if (number <= numbered.size()) {
            bucketKey = numbered.get(number - 1);
          } else {
            throw new IOException("bucket " + number + " named before it was numbered");
          }
          into.accept(bucketKey, HourBucket.decode(in.readByteArray()));
        }
      } catch (IOException e) {
        throw new IllegalStateException("a health journal entry cannot be read: " + e.getMessage(), e);
      }
      return true;
    }
  }

  private static byte[] journalKey(long seq) {
    return ByteBuffer.allocate(1 + Long.BYTES).put(JOURNAL_PREFIX).putLong(seq).array();
  }

  private static long journalSeq(byte[] key) {
    return ByteBuffer.wrap(key, 1, Long.BYTES).getLong();
  }

  private static BucketKey key(long at, String service, String name) {
    return new BucketKey(BucketKey.hourOf(at), service == null ? "" : service, name);
  }

  /** A bucket as written, in place or by the journal, and the current transaction's changes to it. */
  private static final class Kept {
    final byte[] encodedKey;
    final HourBucket state;
    /** Whether its state is only in memory and in the journal: then it is not forgotten. */
    boolean changedSinceCheckpoint;
    /** The current transaction's changes, {@code null} when it has none (then it is not in {@link #touched}). */
    HourBucket delta;
    /** Its number in the journal since the last checkpoint, 0 while it has none (see {@link #journalEntry}). */
    int journalNumber;

    Kept(BucketKey key, HourBucket state) {
      this.encodedKey = key.encode();
      this.state = state;
    }
  }
}
