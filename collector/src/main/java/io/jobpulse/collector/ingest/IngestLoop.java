package io.jobpulse.collector.ingest;

import io.jobpulse.collector.detect.Detector;
import io.jobpulse.collector.state.JobStateMachine;
import io.jobpulse.collector.state.ReceivedSpans;
import io.jobpulse.collector.state.SpanEvent;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

/**
 * The one thread that changes state: it takes tasks (decoded OTLP requests, operator commands)
 * from a bounded queue and runs the detector between them, so the state machine and the store
 * have a single writer and need no lock.
 *
 * <p>Group commit: the thread takes every request queued (up to {@link #MAX_GROUP}) and applies
 * them in one transaction, one RocksDB write; each request's future completes after that write,
 * so an acknowledgement still means "durable". A group whose transaction fails is retried request
 * by request, so one bad request fails alone.
 *
 * <p>Liveness under backlog: the detector judges as of the receive time of the oldest request
 * still queued (not of the wall clock), because everything received before it has been applied.
 * However long the collector's own backlog, it is never mistaken for the workers' silence; a
 * worker that really went silent is flagged once the state has caught up with its timeout.
 *
 * <p>Producers never block: {@code trySubmit...} returns {@code null} when the queue is full, and
 * the caller answers "try later" (503).
 */
public final class IngestLoop implements AutoCloseable {

  /** The most requests one transaction (one store write) covers: bounds a group's latency and memory. */
  static final int MAX_GROUP = 256;

  private static final System.Logger LOG = System.getLogger(IngestLoop.class.getName());

  private final JobStateMachine stateMachine;
  private final Detector detector;
  private final Clock clock;
  private final long tickNanos;
  private final BlockingQueue<Task> queue;
  private final Thread thread;
  private volatile boolean stopping;
  /**
   * Why the last request could not be written, while none has been written since ({@code null}
   * when writing works): on a full disk every request is refused with 503 and nothing is lost,
   * and the collector's health must say so rather than "ok". Written on the ingest thread only.
   */
  private volatile String writeFailure;

  public IngestLoop(JobStateMachine stateMachine, Detector detector, Clock clock, int capacity,
      Duration tick) {
    this.stateMachine = stateMachine;
    this.detector = detector;
    this.clock = clock;
    this.tickNanos = tick.toNanos();
    this.queue = new ArrayBlockingQueue<>(capacity);
    this.thread = new Thread(this::run, "jobpulse-ingest");
  }

  public void start() {
    thread.start();
  }

  /**
   * Queues the spans of one request, received at {@code receivedAt} (collector clock, stamped
   * where the request arrived), to be applied on the ingest thread.
   *
   * @param whenWritten runs on the ingest thread once the spans are written, before the future
   *     completes (in the order requests are applied); it must not block
   * @return a future completed once the spans are durable, or {@code null} when the queue is full
   *     or the loop is stopping
   */
  public CompletableFuture<Void> trySubmitSpans(List<SpanEvent> events, long receivedAt, Runnable whenWritten) {
    return offer(new SpansTask(new ReceivedSpans(events, receivedAt), whenWritten));
  }

  /**
   * Queues {@code work} to run on the ingest thread, alone in its transaction.
   *
   * @return its result's future, or {@code null} when the queue is full or the loop is stopping
   */
  public <T> CompletableFuture<T> trySubmit(Function<JobStateMachine, T> work) {
    return offer(new WorkTask<>(work, clock.millis()));
  }

  /** Why requests cannot be written now (the store's error), or empty while writing works. */
  public Optional<String> writeFailure() {
    return Optional.ofNullable(writeFailure);
  }

  /** Whether tasks are still taken: {@code false} once {@link #close} began. */
  public boolean isAccepting() {
    return !stopping;
  }

  private <T> CompletableFuture<T> offer(Task task) {
    if (stopping || !queue.offer(task)) {
      return null;
    }
    @SuppressWarnings("unchecked")
    CompletableFuture<T> result = (CompletableFuture<T>) task.result;
    return result;
  }

  private void run() {
    List<Task> taken = new ArrayList<>(MAX_GROUP);
    long nextTick = System.nanoTime() + tickNanos;
    while (!stopping) {
      try {
        Task first = queue.poll(Math.max(0, nextTick - System.nanoTime()), TimeUnit.NANOSECONDS);
        if (first != null) {
          taken.add(first);
          queue.drainTo(taken, MAX_GROUP - 1);
          runAll(taken);
          taken.clear();
        }
      } catch (InterruptedException e) {
        break; // close() wants us out; the queue is drained below
      }
      if (System.nanoTime() - nextTick >= 0) {
        try {
          detector.tick(stateMachine, judgedAt());
        } catch (RuntimeException e) {
          LOG.log(System.Logger.Level.ERROR, "detector tick failed; retrying at the next tick", e);
        }
        nextTick = System.nanoTime() + tickNanos;
      }
    }
    // Whatever was accepted is still written: its sender waits for the acknowledgement.
    while (queue.drainTo(taken, MAX_GROUP) > 0) {
      runAll(taken);
      taken.clear();
    }
    try {
      stateMachine.writeUnwritten();
    } catch (RuntimeException e) {
      LOG.log(System.Logger.Level.WARNING, "the live runs' last heartbeat fields could not be written", e);
    }
  }

  /**
   * The moment up to which the state has seen everything received: the receive time of the oldest
   * task still queued, or now when none is. (Requests are stamped on several I/O threads before they
   * are queued, so queue order follows receive order to within the milliseconds of decoding.)
   */
  private long judgedAt() {
    long now = clock.millis();
    Task oldest = queue.peek();
    return oldest == null ? now : Math.min(now, oldest.receivedAt());
  }

  /** Runs {@code tasks} in order: consecutive span requests as one group, other work alone. */
  private void runAll(List<Task> tasks) {
    int groupStart = 0;
    for (int i = 0; i < tasks.size(); i++) {
      if (tasks.get(i) instanceof WorkTask<?> work) {
        applyGroup(tasks.subList(groupStart, i));
        work.run(stateMachine);
        groupStart = i + 1;
      }
    }
    applyGroup(tasks.subList(groupStart, tasks.size()));
  }

  private void applyGroup(List<Task> group) {
    if (group.isEmpty()) {
      return;
    }
    if (group.size() > 1) {
      List<ReceivedSpans> requests = new ArrayList<>(group.size());
      for (Task task : group) {
        requests.add(((SpansTask) task).spans);
      }
      try {
        stateMachine.applyAll(requests);
        written(group);
        return;
      } catch (RuntimeException e) {
        // Nothing of the group was written: find the request at fault by applying them one by one.
        LOG.log(System.Logger.Level.WARNING, "a group of " + group.size() + " requests failed; applying them one by one", e);
      }
    }
    for (Task task : group) {
      SpansTask spans = (SpansTask) task;
      try {
        stateMachine.apply(spans.spans.events(), spans.spans.receivedAt());
      } catch (RuntimeException e) {
        LOG.log(System.Logger.Level.ERROR, "ingest task failed", e);
        writeFailure = String.valueOf(e.getMessage());
        spans.result.completeExceptionally(e);
        continue;
      }
      writeSucceeded();
      spans.written();
    }
  }

  private void written(List<Task> group) {
    writeSucceeded();
    for (Task task : group) {
      ((SpansTask) task).written();
    }
  }

  /** A write went through: whatever failed before is over. */
  private void writeSucceeded() {
    if (writeFailure != null) {
      writeFailure = null; // read first: no volatile write per request while all is well
    }
  }

  /** Stops taking tasks, finishes the queued ones and waits for the thread to end. */
  @Override
  public void close() {
    stopping = true;
    thread.interrupt();
    try {
      thread.join(TimeUnit.SECONDS.toMillis(30));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    // A producer that passed the stopping check just before it was set may have queued a task
    // after the drain: refuse it rather than leave its sender waiting.
    for (Task task; (task = queue.poll()) != null; ) {
      task.result.completeExceptionally(new IllegalStateException("the collector is stopping"));
    }
  }

  /** A queued task: its future, and when it was received (what the detector judges by). */
  private abstract static sealed class Task permits SpansTask, WorkTask {
    final CompletableFuture<Object> result = new CompletableFuture<>();

    abstract long receivedAt();
  }

  /** The spans of one request; grouped with its neighbours into one transaction. */
  private static final class SpansTask extends Task {
    final ReceivedSpans spans;
    final Runnable whenWritten;

    SpansTask(ReceivedSpans spans, Runnable whenWritten) {
      this.spans = spans;
      this.whenWritten = whenWritten;
    }

    @Override
    long receivedAt() {
      return spans.receivedAt();
    }

    /** The spans are durable: tell the caller's hook, then the sender. */
    void written() {
      try {
        whenWritten.run();
      } catch (RuntimeException e) {
        // Written already: a failing hook must not make a durable request look lost.
        LOG.log(System.Logger.Level.WARNING, "a hook after an ingest write failed", e);
      }
      result.complete(null);
    }
  }

  /** Anything else (an operator command): alone in its transaction, in queue order. */
  private static final class WorkTask<T> extends Task {
    final Function<JobStateMachine, T> work;
    final long submittedAt;

    WorkTask(Function<JobStateMachine, T> work, long submittedAt) {
      this.work = work;
      this.submittedAt = submittedAt;
    }

    @Override
    long receivedAt() {
      return submittedAt;
    }

    void run(JobStateMachine stateMachine) {
      try {
        result.complete(work.apply(stateMachine));
      } catch (RuntimeException e) {
        LOG.log(System.Logger.Level.ERROR, "ingest task failed", e);
        result.completeExceptionally(e);
      }
    }
  }
}
