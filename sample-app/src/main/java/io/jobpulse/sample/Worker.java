package io.jobpulse.sample;

import java.io.PrintStream;

/**
 * The worker thread of an ordinary job queue: runs a job, prints how it ended, and keeps a
 * failure to itself instead of letting it kill the thread (silent-thread-death.md's fix).
 */
final class Worker {

  private final Thread thread;
  private volatile boolean failed;

  private Worker(String name, BackgroundJob job, PrintStream out) {
    // Not a daemon: like a real worker, it keeps the JVM up while it works.
    this.thread = new Thread(() -> runCatching(job, out), name);
  }

  static Worker start(String name, BackgroundJob job, PrintStream out) {
    Worker worker = new Worker(name, job, out);
    worker.thread.start();
    return worker;
  }

  private void runCatching(BackgroundJob job, PrintStream out) {
    try {
      out.println(job.run());
    } catch (Exception e) {
      failed = true;
      out.println("job failed: " + e.getClass().getName() + ": " + e.getMessage());
    }
  }

  /** Waits for the job to end; {@code 0} waits for ever. Returns whether it ended. */
  boolean awaitEnd(long millis) throws InterruptedException {
    thread.join(millis);
    return !thread.isAlive();
  }

  boolean failed() {
    return failed;
  }
}
