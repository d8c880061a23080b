package io.jobpulse.collector.store;

import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReferenceArray;
import java.util.concurrent.locks.LockSupport;
import java.util.function.IntFunction;

/**
 * Work the ingest thread shares with a helper thread whenever the helper gets a core: a round of
 * independent tasks (the records of a batch's runs), each a function of its index alone that any
 * thread may run.
 *
 * <p>Why: the ingest thread is what bounds the collector's rate when cores are to spare, and
 * encoding records was an eighth of it (BENCHMARKS.md §3).
 *
 * <p>The caller never waits for the helper. It starts a round as soon as the tasks are known and
 * goes on with other work; the helper claims tasks from a counter, in order. When the caller needs a
 * result it takes the helper's if it is there, and otherwise runs the task itself (the helper may be
 * running it too, or be descheduled halfway: whichever result is set first is kept, and both are
 * the same). So with no core to spare the cost is one wake-up per round, and a failing task throws
 * on the caller's thread, as it would without the helper. Results must not be {@code null}.
 *
 * <p>One round at a time uses the helper; a round started while another is open runs on its caller
 * alone.
 */
final class SharedWork implements AutoCloseable {

  private final AtomicBoolean inUse = new AtomicBoolean();
  private final Thread helper;
  /** The open round, {@code null} between rounds. Written by the caller, read by the helper. */
  private volatile Round<?> round;
  private volatile boolean closed;
  /** Tasks whose result the helper set first: written by the helper alone. */
  private volatile long helped;

  SharedWork(String threadName) {
    helper = new Thread(this::help, threadName);
    helper.setDaemon(true);
    helper.start();
  }

  /** Opens a round of {@code size} tasks, the helper starting at once. Close it when done. */
  <T> Round<T> start(int size, IntFunction<T> task) {
    boolean shared = !closed && inUse.compareAndSet(false, true);
    Round<T> opened = new Round<>(size, task, shared ? this : null);
    if (shared) {
      round = opened;
      LockSupport.unpark(helper);
    }
    return opened;
  }

  private void help() {
    while (!closed) {
      Round<?> open = round;
      if (open == null || open.exhausted()) {
        LockSupport.park(this);
      } else {
        try {
          helped += open.runUnclaimed();
        } catch (RuntimeException e) {
          // Left for the caller, who runs what is missing and meets the same failure on its own thread.
        }
      }
    }
  }

  /** How many tasks the helper thread ran (and was first to finish). */
  long helped() {
    return helped;
  }

  @Override
  public void close() {
    closed = true;
    LockSupport.unpark(helper);
  }

  /** One round's tasks and their results, claimed one at a time. Its methods are the caller's. */
  static final class Round<T> implements AutoCloseable {
    private final IntFunction<T> task;
    private final AtomicReferenceArray<T> results;
    private final AtomicInteger next;
    /** The work whose helper shares the round, {@code null} once closed or when not shared. */
    private SharedWork sharedWith;

    private Round(int size, IntFunction<T> task, SharedWork sharedWith) {
      this.task = task;
      this.results = new AtomicReferenceArray<>(size);
      this.next = new AtomicInteger();
      this.sharedWith = sharedWith;
    }

    /** Whether the helper takes part in this round (until it is closed). */
    boolean isShared() {
      return sharedWith != null;
    }

    int size() {
      return results.length();
    }

    /** Task {@code index}'s result: the helper's when it is done, else run here. */
    T get(int index) {
      T result = results.get(index);
      if (result == null) {
        results.compareAndSet(index, null, task.apply(index));
        result = results.get(index);
      }
      return result;
    }

    /** Lets the helper go: it claims no more of this round, and the next round may have it. */
    @Override
    public void close() {
      if (sharedWith != null) {
        next.set(results.length());
        sharedWith.round = null;
        sharedWith.inUse.set(false);
        sharedWith = null;
      }
    }

    private boolean exhausted() {
      return next.get() >= results.length();
    }

    /**
     * Runs the tasks nobody claimed yet, one claim at a time, sharing them with the helper until none
     * is left; returns how many results it set first.
     */
    int runUnclaimed() {
      int set = 0;
      for (int i = next.getAndIncrement(); i < results.length(); i = next.getAndIncrement()) {
        if (results.get(i) == null && results.compareAndSet(i, null, task.apply(i))) {
          set++;
        }
      }
      return set;
    }
  }
}
