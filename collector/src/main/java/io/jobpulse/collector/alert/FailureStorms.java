package io.jobpulse.collector.alert;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Counts, per (service, job name), the runs that ended in a sliding window, and tells when the
 * failures among them are a storm worth a {@code job_failing} alert ({@link
 * AlertConfig.FailureStorm}): once, then quiet for one window, then a reminder at the next failure
 * if the thresholds are still met.
 *
 * <p>Cheap on the ingest thread: per name a ring of per-slot counters, a slot a minute (for a
 * window over an hour, 60 slots of window/60), summed only when a failure lands; the window counted
 * is the current slot and the ones before it, so it is between one slot short of the window and
 * the window. At most {@link #MAX_KEPT} names, the least recently used forgotten first: memory
 * stays under a few MiB whatever the fleet. In memory only: a restart forgets the counts and the
 * quiet periods.
 *
 * <p>Transactional like the store: what was counted since the last {@link #commit} is taken back
 * by {@link #rollback} (a transaction whose write failed is applied again, request by request).
 * Not thread-safe: the ingest thread only.
 */
final class FailureStorms {

  static final int MAX_KEPT = 8_192;
  static final int MAX_SLOTS = 60;
  private static final long MINUTE_MS = 60_000;

  /**
   * A storm to alert about.
   *
   * @param windowStart the first millisecond counted (collector clock)
   * @param failed runs that ended {@code FAILED} in the window
   * @param ended runs that ended {@code COMPLETED} or {@code FAILED} in it
   */
  record Storm(String service, String name, long windowStart, long failed, long ended, Duration window) {
    /** New for each alert and reminder: a reminder comes a window later, so its window starts later. */
    String idempotencyKey() {
      return "failing:" + service + ":" + name + ":" + windowStart;
    }
  }

  private record Key(String service, String name) {}

  /** One name's ring: {@code failed} and {@code ended} of slot {@code s} at {@code s mod slots}. */
  private static final class Counts {
    final int[] failed;
    final long[] ended;
    /** The newest slot counted; the ring holds it and the {@code slots - 1} before it. */
    long head = Long.MIN_VALUE;
    /** No alert before this (epoch millis): one window after the last. */
    long quietUntil = Long.MIN_VALUE;

    Counts(int slots) {
      failed = new int[slots];
      ended = new long[slots];
    }

    /** Moves the ring to {@code slot} (never back: a clock stepping back counts in the newest slot). */
    long advance(long slot) {
      if (head == Long.MIN_VALUE || slot - head >= failed.length) {
        Arrays.fill(failed, 0);
        Arrays.fill(ended, 0);
        head = slot;
      } else {
        while (head < slot) {
          head++;
          int i = index(head);
          failed[i] = 0;
          ended[i] = 0;
        }
      }
      return head;
    }

    int index(long slot) {
      return (int) Math.floorMod(slot, (long) failed.length);
    }

    void add(long slot, int failures, long ends) {
      if (head - slot < failed.length) { // else slid out of the ring already
        int i = index(slot);
        failed[i] = Math.max(0, failed[i] + failures);
        ended[i] = Math.max(0, ended[i] + ends);
      }
    }

    long failedSum() {
      long sum = 0;
      for (int n : failed) {
        sum += n;
      }
      return sum;
    }

    long endedSum() {
      long sum = 0;
      for (long n : ended) {
        sum += n;
      }
      return sum;
    }
  }

  /** What one count changed, to take it back. */
  private record Undo(Counts counts, long slot, int failed, long ended, long quietUntilBefore) {}

  private final AlertConfig.FailureStorm config;
  private final Clock clock;
  private final int slots;
  private final long slotMs;
  private final long windowMs;
  private final LinkedHashMap<Key, Counts> kept;
  private final List<Undo> uncommitted = new ArrayList<>();

  FailureStorms(AlertConfig.FailureStorm config, Clock clock) {
    this(config, clock, MAX_KEPT);
  }

  FailureStorms(AlertConfig.FailureStorm config, Clock clock, int maxKept) {
    if (!config.enabled()) {
      throw new IllegalArgumentException("failure-storm alerts are off");
    }
    this.config = config;
    this.clock = clock;
    this.windowMs = config.window().toMillis();
    this.slots = (int) Math.max(1, Math.min(MAX_SLOTS, windowMs / MINUTE_MS));
    this.slotMs = windowMs / slots;
    this.kept = new LinkedHashMap<>(256, 0.75f, true) {
      @Override
      protected boolean removeEldestEntry(Map.Entry<Key, Counts> eldest) {
        return size() > maxKept;
      }
    };
  }

  /** {@code count} runs of {@code name} ended {@code COMPLETED} now (one, or a short-run summary's). */
  void completed(String service, String name, long count) {
    if (count <= 0 || name == null) {
      return;
    }
    long now = clock.millis();
    Counts counts = counts(service, name);
    long slot = counts.advance(Math.floorDiv(now, slotMs));
    counts.add(slot, 0, count);
    uncommitted.add(new Undo(counts, slot, 0, count, counts.quietUntil));
  }

  /**
   * A run of {@code name} ended {@code FAILED} now.
   *
   * @return the storm to alert about now, {@code null} when none (under the thresholds, or quiet)
   */
  Storm failed(String service, String name) {
    if (name == null) {
      return null;
    }
    long now = clock.millis();
    Counts counts = counts(service, name);
    long slot = counts.advance(Math.floorDiv(now, slotMs));
    counts.add(slot, 1, 1);
    uncommitted.add(new Undo(counts, slot, 1, 1, counts.quietUntil));
    if (now < counts.quietUntil) {
      return null;
    }
    long failed = counts.failedSum();
    long ended = counts.endedSum();
    if (failed < config.minFailures() || (double) failed / ended < config.ratio()) {
      return null;
    }
    counts.quietUntil = now + windowMs;
    return new Storm(service == null ? "" : service, name, (slot - slots + 1) * slotMs, failed, ended,
        config.window());
  }

  /** What was counted since the last commit is in the store's state now: keep it. */
  void commit() {
    uncommitted.clear();
  }

  /** What was counted since the last commit never reached the store: take it back. */
  void rollback() {
    for (int i = uncommitted.size() - 1; i >= 0; i--) {
      Undo undo = uncommitted.get(i);
      undo.counts().add(undo.slot(), -undo.failed(), -undo.ended());
      undo.counts().quietUntil = undo.quietUntilBefore();
    }
    uncommitted.clear();
  }

  /** Names kept. */
  int size() {
    return kept.size();
  }

  private Counts counts(String service, String name) {
    return kept.computeIfAbsent(new Key(service == null ? "" : service, name), k -> new Counts(slots));
  }
}
