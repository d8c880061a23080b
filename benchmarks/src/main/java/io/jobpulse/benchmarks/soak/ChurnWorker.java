package io.jobpulse.benchmarks.soak;

import java.util.concurrent.ThreadLocalRandom;

/**
 * The application of the soak's real worker JVMs, run under the JobPulse agent with {@code
 * jobpulse.jobs=}{@value #JOB_METHOD}: two threads run jobs back to back (0.5–6 s each, one in
 * twenty failing) until the process is killed.
 */
public final class ChurnWorker {

  static final String JOB_METHOD = "io.jobpulse.benchmarks.soak.ChurnWorker#runJob";
  private static final int THREADS = 2;

  public static void main(String[] args) throws InterruptedException {
    ChurnWorker worker = new ChurnWorker();
    for (int t = 0; t < THREADS; t++) {
      Thread thread = new Thread(worker::loop, "churn-" + t);
      thread.start();
    }
    Thread.currentThread().join(); // until killed
  }

  private void loop() {
    ThreadLocalRandom random = ThreadLocalRandom.current();
    while (true) {
      try {
        runJob(500 + random.nextLong(5_500), random.nextInt(20) == 0);
      } catch (IllegalStateException expected) {
        // the job failed; the agent reported it
      } catch (InterruptedException e) {
        return;
      }
    }
  }

  /** The job method the agent instruments: works for {@code millis}, then fails if told to. */
  public void runJob(long millis, boolean fail) throws InterruptedException {
    long end = System.nanoTime() + millis * 1_000_000L;
    while (System.nanoTime() < end) {
      Thread.sleep(20); // one item of work
    }
    if (fail) {
      throw new IllegalStateException("simulated failure");
    }
  }
}
