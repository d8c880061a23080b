package io.jobpulse.agent.run;

import io.jobpulse.agent.bootstrap.Dispatcher;
import io.jobpulse.agent.log.AgentLog;
import io.jobpulse.agent.process.ChildEnvironment;
import io.jobpulse.agent.process.ProcessParent;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ForkJoinTask;
import java.util.concurrent.FutureTask;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The hot path: records job runs on their own threads and hands them to the reporter. No I/O,
 * no lock, no allocation but the {@link JobRun} (and, for a task queued by a job, its pending
 * entry); never throws.
 *
 * <p>Executor tasks (preset:executor): a task queued while a job runs on the submitting thread is
 * that job's child. It is recorded at once (the reporter sees it waiting) and remembered by
 * identity in {@link PendingTasks} until a worker takes it. Tasks queued outside any job are not
 * tracked: an application's own plumbing is not its jobs, and costs nothing beyond one
 * thread-local read.
 *
 * <p>Each run's span and trace ids are drawn here, from {@link ThreadLocalRandom} (no allocation,
 * no contention), so that the job's own thread can name its span to a process it starts before
 * the reporter has opened that span. The run's {@code jobpulse.job.id} (its start time, then its
 * span id: {@link JobRun#id()}) is not made here: only its parts are kept, and the string is
 * built off the hot path, by the reporter or when the job starts a process.
 */
public final class RunRecorder implements Dispatcher {

  /** Runs waiting for the reporter beyond which new runs are dropped (bounded memory). */
  public static final int DEFAULT_CAPACITY = 100_000;
  /** Tracked tasks waiting in executors beyond which new ones are not tracked (dropped). */
  public static final int DEFAULT_PENDING_CAPACITY = 10_000;

  private final ThreadLocal<JobRun> current = new ThreadLocal<>();
  /** The application's task given to {@code submit}, while the executor wraps and queues it. */
  private final ThreadLocal<Object> submitting = new ThreadLocal<>();
  private final RunInbox inbox;
  private final PendingTasks pending;
  /** The job in another process that started this one, or {@code null}: the parent of root runs. */
  private final ProcessParent processParent;
  private final AtomicLong dropped = new AtomicLong();

  public RunRecorder(int capacity) {
    this(capacity, DEFAULT_PENDING_CAPACITY, null);
  }

  public RunRecorder(int capacity, int pendingCapacity, ProcessParent processParent) {
    this.inbox = new RunInbox(capacity);
    this.pending = new PendingTasks(pendingCapacity);
    this.processParent = processParent;
  }

  @Override
  public Object enter(int site, Object[] arguments) {
    try {
      JobRun parent = current.get();
      long traceIdHigh;
      long traceIdLow;
      if (parent != null) {
        traceIdHigh = parent.traceIdHigh();
        traceIdLow = parent.traceIdLow();
      } else if (processParent != null) {
        traceIdHigh = processParent.traceIdHigh();
        traceIdLow = processParent.traceIdLow();
      } else {
        traceIdHigh = ThreadLocalRandom.current().nextLong();
        traceIdLow = nonZeroId();
      }
      JobRun run = new JobRun(site, parent, Thread.currentThread(), System.nanoTime(), arguments, nonZeroId(), traceIdHigh, traceIdLow);
      if (!inbox.offer(run)) {
        drop();
        return null;
      }
      current.set(run);
      return run;
    } catch (Throwable t) {
      AgentLog.failure("job method entry", t);
      return null;
    }
  }

  @Override
  public void exit(Object token, Throwable thrown) {
    try {
      JobRun run = (JobRun) token;
      run.end(System.nanoTime(), thrown);
      current.set(run.outer());
    } catch (Throwable t) {
      AgentLog.failure("job method exit", t);
    }
  }

  @Override
  public void taskSubmitting(Object task) {
    try {
      if (task == null) {
        if (submitting.get() != null) {
          submitting.set(null);
        }
      } else if (current.get() != null) {
        submitting.set(task);
      }
    } catch (Throwable t) {
      AgentLog.failure("task submission", t);
    }
  }

  @Override
  public void taskQueued(Object task) {
    try {
      JobRun parent = current.get();
      if (parent == null) {
        return;
      }
      Object named = submitting.get();
      if (named == null) {
        named = task;
      }
      JobRun run = new JobRun(parent, System.nanoTime(), named.getClass(), taskMethod(named), nonZeroId());
      // Pending first: from the moment the task is queued, a worker may take it.
      int added = pending.add(task, run);
      if (added == PendingTasks.FULL) {
        drop();
        return;
      }
      if (added == PendingTasks.ALREADY_PENDING) {
        return;
      }
      if (!inbox.offer(run)) {
        pending.remove(task);
        drop();
      }
    } catch (Throwable t) {
      AgentLog.failure("task queued", t);
    }
  }

  @Override
  public Object taskStart(Object task) {
    try {
      JobRun run = pending.remove(task);
      if (run == null) {
        return null;
      }
      run.start(Thread.currentThread(), System.nanoTime(), current.get());
      current.set(run);
      return run;
    } catch (Throwable t) {
      AgentLog.failure("task start", t);
      return null;
    }
  }

  @Override
  public void taskEnd(Object token, Object task, Throwable thrown) {
    try {
      JobRun run = (JobRun) token;
      run.end(System.nanoTime(), thrown != null ? thrown : failureKeptBy(task));
      current.set(run.outer());
    } catch (Throwable t) {
      AgentLog.failure("task end", t);
    }
  }

  @Override
  public void taskDropped(Object task) {
    try {
      JobRun run = pending.remove(task);
      if (run != null) {
        run.end(System.nanoTime(), null);
      }
    } catch (Throwable t) {
      AgentLog.failure("task dropped", t);
    }
  }

  @Override
  public void itemDone() {
    try {
      JobRun run = current.get();
      if (run != null) {
        run.itemDone();
      }
    } catch (Throwable t) {
      AgentLog.failure("item method exit", t);
    }
  }

  @Override
  public Object processStarting(ProcessBuilder builder) {
    try {
      JobRun run = current.get();
      // Outside a job the builder is not touched: not even its environment map is created.
      return run == null ? null : ChildEnvironment.lend(builder.environment(), System.getenv(), run);
    } catch (Throwable t) {
      AgentLog.failure("process start", t);
      return null;
    }
  }

  @Override
  public void processStarted(Object lent) {
    try {
      ((ChildEnvironment) lent).restore();
    } catch (Throwable t) {
      AgentLog.failure("process started", t);
    }
  }

  /**
   * The runs started (or queued) since the last call, oldest first, after ending the pending
   * tasks that were collected without running. Reporter thread only.
   */
  public List<JobRun> drain() {
    pending.expunge(System.nanoTime());
    return inbox.drain();
  }

  /** Tasks waiting in executors now. */
  public int pendingTasks() {
    return pending.size();
  }

  /** Runs not tracked because the inbox or the pending tasks were full. */
  public long dropped() {
    return dropped.get();
  }

  private void drop() {
    dropped.incrementAndGet();
    AgentLog.warnOnce("dropped", "the reporter is behind: new job runs are counted as dropped, not tracked");
  }

  /** A span id, or the low half of a trace id: any long but 0, which means "invalid". */
  private static long nonZeroId() {
    long id;
    do {
      id = ThreadLocalRandom.current().nextLong();
    } while (id == 0);
    return id;
  }

  /** The method that runs {@code task}: what its job name ends with. */
  private static String taskMethod(Object task) {
    if (task instanceof Runnable) {
      return "run";
    }
    if (task instanceof Callable) {
      return "call";
    }
    return task instanceof ForkJoinTask ? "compute" : "run";
  }

  /**
   * The failure a task kept for its future instead of throwing it: {@code submit}'s FutureTask and
   * the ForkJoinPool's tasks catch what the application's code throws. Read only through their
   * public API, and only once they are done, so nothing here can block.
   */
  private static Throwable failureKeptBy(Object task) {
    if (task instanceof FutureTask) {
      FutureTask<?> future = (FutureTask<?>) task;
      if (future.isDone() && !future.isCancelled()) {
        try {
          future.get();
        } catch (ExecutionException e) {
          return e.getCause() == null ? e : e.getCause();
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt(); // not reached: a done future does not wait
        }
      }
    } else if (task instanceof ForkJoinTask) {
      ForkJoinTask<?> forkJoinTask = (ForkJoinTask<?>) task;
      if (forkJoinTask.isCompletedAbnormally() && !forkJoinTask.isCancelled()) {
        return forkJoinTask.getException();
      }
    }
    return null;
  }
}
