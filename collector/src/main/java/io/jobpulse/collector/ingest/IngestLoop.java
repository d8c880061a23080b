package io.jobpulse.collector.ingest;

import io.jobpulse.collector.detect.Detector;
import io.jobpulse.collector.state.JobStateMachine;
import java.time.Clock;
import java.time.Duration;
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
 * <p>Producers never block: {@link #trySubmit} returns {@code null} when the queue is full, and
 * the caller answers "try later" (503). A task's future completes after its changes are written.
 */
public final class IngestLoop implements AutoCloseable {

  private static final System.Logger LOG = System.getLogger(IngestLoop.class.getName());

  private final JobStateMachine stateMachine;
  private final Detector detector;
  private final Clock clock;
  private final long tickNanos;
  private final BlockingQueue<Task<?>> queue;
  private final Thread thread;
  private volatile boolean stopping;

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
   * Queues {@code work} to run on the ingest thread.
   *
   * @return its result's future, or {@code null} when the queue is full or the loop is stopping
   */
  public <T> CompletableFuture<T> trySubmit(Function<JobStateMachine, T> work) {
    if (stopping) {
      return null;
    }
    Task<T> task = new Task<>(work);
    return queue.offer(task) ? task.result : null;
  }

  /** Whether tasks are still taken: {@code false} once {@link #close} began. */
  public boolean isAccepting() {
    return !stopping;
  }

  private void run() {
    long nextTick = System.nanoTime() + tickNanos;
    while (!stopping) {
      try {
        Task<?> task = queue.poll(Math.max(0, nextTick - System.nanoTime()), TimeUnit.NANOSECONDS);
        if (task != null) {
          task.run(stateMachine);
        }
      } catch (InterruptedException e) {
        break; // close() wants us out; the queue is drained below
      }
      if (System.nanoTime() - nextTick >= 0) {
        try {
          detector.tick(stateMachine, clock.millis());
        } catch (RuntimeException e) {
          LOG.log(System.Logger.Level.ERROR, "detector tick failed; retrying at the next tick", e);
        }
        nextTick = System.nanoTime() + tickNanos;
      }
    }
    // Whatever was accepted is still written: its sender waits for the acknowledgement.
    for (Task<?> task; (task = queue.poll()) != null; ) {
      task.run(stateMachine);
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
    for (Task<?> task; (task = queue.poll()) != null; ) {
      task.result.completeExceptionally(new IllegalStateException("the collector is stopping"));
    }
  }

  private static final class Task<T> {
    final Function<JobStateMachine, T> work;
    final CompletableFuture<T> result = new CompletableFuture<>();

    Task(Function<JobStateMachine, T> work) {
      this.work = work;
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
