package io.jobpulse.sample.batches;

import java.io.IOException;
import java.io.PrintStream;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Splits a parent batch into child batches, runs them and waits for every one
 * (crashed-child-batches.md), either as tasks of an executor in this JVM or as child JVMs (the
 * same jar's {@code child-batch} scenario). Returns a summary naming the children that did not
 * complete; it waits as long as a child runs, so a child that never ends holds the parent too.
 */
public final class ParentBatchJob {

  private final ChildLauncher launcher;
  private final PrintStream out;

  public ParentBatchJob(ChildLauncher launcher, PrintStream out) {
    this.launcher = launcher;
    this.out = out;
  }

  /** Returns a summary line: how many children completed, and which did not. */
  public String run(ParentBatch batch) throws InterruptedException, IOException {
    return batch.mode() == ParentBatch.Mode.THREADS ? inThreads(batch) : inProcesses(batch);
  }

  private String inThreads(ParentBatch batch) throws InterruptedException {
    out.println("starting " + batch.children() + " child batches of " + batch.id() + " in threads");
    AtomicInteger threads = new AtomicInteger();
    ThreadPoolExecutor pool =
        new ThreadPoolExecutor(batch.parallel(), batch.parallel(), 0, TimeUnit.MILLISECONDS,
            new LinkedBlockingQueue<>(),
            task -> new Thread(task, "child-batch-" + threads.incrementAndGet()));
    try {
      List<Future<Integer>> children = new ArrayList<>();
      for (int index = 1; index <= batch.children(); index++) {
        children.add(pool.submit(new ChildBatchTask(batch.child(index))));
      }
      List<Integer> failed = new ArrayList<>();
      for (int index = 1; index <= batch.children(); index++) {
        try {
          children.get(index - 1).get();
        } catch (ExecutionException e) {
          failed.add(index);
          out.println("child batch " + batch.child(index).id() + " failed: " + e.getCause());
        }
      }
      return summary(batch, failed, "failed");
    } finally {
      pool.shutdownNow();
    }
  }

  /**
   * Keeps at most {@code parallel} child JVMs running, waiting for them in the order they were
   * started: a child that never ends blocks the window, as it blocked the incident's parent.
   */
  private String inProcesses(ParentBatch batch) throws InterruptedException, IOException {
    out.println("starting " + batch.children() + " child batches of " + batch.id() + " in processes");
    Deque<Process> running = new ArrayDeque<>();
    List<Integer> died = new ArrayList<>();
    int next = 1;
    int waitedFor = 0;
    while (waitedFor < batch.children()) {
      while (next <= batch.children() && running.size() < batch.parallel()) {
        running.addLast(launcher.start(batch.child(next++)));
      }
      int exit = running.removeFirst().waitFor();
      waitedFor++;
      if (exit != 0) {
        died.add(waitedFor);
        out.println("child batch " + batch.child(waitedFor).id() + " died with exit code " + exit);
      }
    }
    return summary(batch, died, "died");
  }

  private static String summary(ParentBatch batch, List<Integer> lost, String how) {
    return "child batches of " + batch.id() + ": " + (batch.children() - lost.size())
        + " completed, " + lost.size() + " " + how + (lost.isEmpty() ? "" : " " + lost);
  }
}
