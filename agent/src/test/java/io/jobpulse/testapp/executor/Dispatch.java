package io.jobpulse.testapp.executor;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.Future;

/** The application's jobs that hand work to executors. They know nothing of JobPulse. */
public class Dispatch {

  private final ExecutorService single;
  private final ExecutorService pool;
  private final ForkJoinPool forkJoin = new ForkJoinPool(2);
  private final CountDownLatch release;

  public Dispatch(ExecutorService single, ExecutorService pool, CountDownLatch release) {
    this.single = single;
    this.pool = pool;
    this.release = release;
  }

  /** Fills the single worker with a blocker, so the next task waits in the queue; returns at once. */
  public void enqueue() {
    single.execute(new Blocker(release));
    single.submit(new QueuedReport());
  }

  /** Waits for a task on the pool and for one on a ForkJoinPool. */
  public int fanOut() throws Exception {
    Future<Integer> counted = pool.submit(new CountRows());
    CompletableFuture<Void> async = CompletableFuture.runAsync(() -> await(release), forkJoin);
    async.join();
    return counted.get();
  }

  /** Runs until released. */
  public void longJob() {
    await(release);
  }

  static void await(CountDownLatch latch) {
    try {
      latch.await();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
