package io.jobpulse.collector.store;

import io.jobpulse.collector.state.Job;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReferenceArray;
import java.util.concurrent.locks.LockSupport;

/**
 * Encodes the records of a batch's runs, a second thread taking some of them when it gets a core.
 *
 * <p>Why: encoding is an eighth of the ingest thread under the load benchmark (BENCHMARKS.md §3), and
 * the ingest thread is what bounds the collector's rate while part of the machine sits idle. A
 * record depends on its (immutable) run alone, so any thread may encode it.
 *
 * <p>The caller never waits for the helper. Both claim runs from one counter; once the counter has
 * passed the end, the caller encodes itself every run whose record is still missing (the helper's
 * last one, or those of a helper that was descheduled mid-run) and takes whichever record was set
 * first: both are the same bytes. So with no core to spare the cost is one wake-up per batch, and a
 * failing encode throws on the caller's thread, as it would without the helper.
 *
 * <p>One caller at a time uses the helper (the ingest thread, in practice); any other encodes alone.
 */
final class RecordEncoder implements AutoCloseable {

  /** Below this many runs the wake-up costs more than the helper could take. */
  static final int MIN_SHARED = 16;

  private final AtomicBoolean inUse = new AtomicBoolean();
  private final Thread helper;
  /** The batch being encoded, {@code null} between batches. Written by the caller, read by the helper. */
  private volatile Round round;
  private volatile boolean closed;
  /** Records the helper set: written by the helper alone. */
  private volatile long helped;

  RecordEncoder() {
    helper = new Thread(this::help, "jobpulse-encode");
    helper.setDaemon(true);
    helper.start();
  }

  /** The records of {@code jobs}, in order. */
  byte[][] encodeAll(List<Job> jobs) {
    if (jobs.size() < MIN_SHARED || closed || !inUse.compareAndSet(false, true)) {
      byte[][] records = new byte[jobs.size()][];
      for (int i = 0; i < records.length; i++) {
        records[i] = JobCodec.encode(jobs.get(i));
      }
      return records;
    }
    try {
      Round shared = new Round(jobs);
      round = shared;
      LockSupport.unpark(helper);
      shared.encodeClaimed();
      round = null;
      return shared.finish();
    } finally {
      inUse.set(false);
    }
  }

  private void help() {
    while (!closed) {
      Round shared = round;
      if (shared == null || shared.exhausted()) {
        LockSupport.park(this);
      } else {
        try {
          helped += shared.encodeClaimed();
        } catch (RuntimeException e) {
          // Left for the caller, who encodes what is missing and meets the same failure on its own thread.
        }
      }
    }
  }

  /** How many records the helper thread has encoded (and was first to). */
  long helped() {
    return helped;
  }

  @Override
  public void close() {
    closed = true;
    LockSupport.unpark(helper);
  }

  /** One batch's runs and their records, claimed one at a time by either thread. */
  private static final class Round {
    /** A copy: the helper may still be encoding its last claim after the caller has moved on. */
    private final Job[] jobs;
    private final AtomicReferenceArray<byte[]> records;
    private final AtomicInteger next = new AtomicInteger();

    Round(List<Job> jobs) {
      this.jobs = jobs.toArray(new Job[0]);
      this.records = new AtomicReferenceArray<>(this.jobs.length);
    }

    boolean exhausted() {
      return next.get() >= jobs.length;
    }

    /** Encodes runs as long as some are unclaimed; returns how many records it set. */
    int encodeClaimed() {
      int set = 0;
      for (int i = next.getAndIncrement(); i < jobs.length; i = next.getAndIncrement()) {
        if (records.compareAndSet(i, null, JobCodec.encode(jobs[i]))) {
          set++;
        }
      }
      return set;
    }

    /** Every record, encoding here those the helper has not set yet. Caller only, once claims ran out. */
    byte[][] finish() {
      byte[][] all = new byte[jobs.length][];
      for (int i = 0; i < all.length; i++) {
        byte[] record = records.get(i);
        if (record == null) {
          records.compareAndSet(i, null, JobCodec.encode(jobs[i]));
          record = records.get(i);
        }
        all[i] = record;
      }
      return all;
    }
  }
}
