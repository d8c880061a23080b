package io.jobpulse.agent.run;

import java.lang.ref.Reference;
import java.lang.ref.ReferenceQueue;
import java.lang.ref.WeakReference;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The tracked tasks waiting in an executor, by the task object's identity. The application's task
 * objects are neither wrapped nor replaced: each is only weakly referenced here, so a task an
 * executor forgets without telling (a discard policy, a cleared queue) is noticed by {@link
 * #expunge} once collected, and never kept alive by the agent. Bounded: beyond the capacity new
 * tasks are refused.
 */
final class PendingTasks {

  private final ConcurrentHashMap<Object, JobRun> runs = new ConcurrentHashMap<>();
  private final ReferenceQueue<Object> collected = new ReferenceQueue<>();
  /** Read before every lookup: an application with no tracked task pays one volatile read. */
  private final AtomicInteger size = new AtomicInteger();
  private final int capacity;

  PendingTasks(int capacity) {
    this.capacity = capacity;
  }

  /** {@link #add} outcomes. */
  static final int ADDED = 0;
  static final int ALREADY_PENDING = 1;
  static final int FULL = 2;

  /**
   * Adds {@code task} queued as {@code run}.
   *
   * @return {@link #ADDED}; {@link #ALREADY_PENDING} when the task is pending already (queued
   *     twice on its way in, through two submission methods); {@link #FULL}
   */
  int add(Object task, JobRun run) {
    if (size.incrementAndGet() > capacity) {
      size.decrementAndGet();
      return FULL;
    }
    if (runs.putIfAbsent(new TaskKey(task, collected), run) != null) {
      size.decrementAndGet();
      return ALREADY_PENDING;
    }
    return ADDED;
  }

  /** Removes {@code task}; its run, or {@code null} when the task is not pending. */
  JobRun remove(Object task) {
    if (size.get() == 0) {
      return null;
    }
    JobRun run = runs.remove(new Lookup(task));
    if (run != null) {
      size.decrementAndGet();
    }
    return run;
  }

  /** Removes the tasks that were collected while pending: they will never run. */
  void expunge(long nanos) {
    for (Reference<?> key; (key = collected.poll()) != null; ) {
      JobRun run = runs.remove(key);
      if (run != null) {
        size.decrementAndGet();
        run.end(nanos, null);
      }
    }
  }

  int size() {
    return size.get();
  }

  /** Equality of the referents' identities, whichever of the two key kinds is compared. */
  private static boolean sameTask(Object task, Object key) {
    if (key instanceof TaskKey) {
      return task != null && task == ((TaskKey) key).get();
    }
    return key instanceof Lookup && task == ((Lookup) key).task;
  }

  /** A stored key: weak, with the task's identity hash kept for after it is cleared. */
  private static final class TaskKey extends WeakReference<Object> {
    private final int hash;

    TaskKey(Object task, ReferenceQueue<Object> queue) {
      super(task, queue);
      this.hash = System.identityHashCode(task);
    }

    @Override
    public int hashCode() {
      return hash;
    }

    @Override
    public boolean equals(Object other) {
      return other == this || sameTask(get(), other);
    }
  }

  /** A key for one lookup, strong while it lasts. */
  private static final class Lookup {
    private final Object task;

    Lookup(Object task) {
      this.task = task;
    }

    @Override
    public int hashCode() {
      return System.identityHashCode(task);
    }

    @Override
    public boolean equals(Object other) {
      return sameTask(task, other);
    }
  }
}
