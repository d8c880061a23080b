package io.jobpulse.benchmarks.detection;

/**
 * The worker of the detection benchmark, run in a child JVM under the JobPulse agent: one job
 * that works until its process is killed or frozen.
 */
public final class HangingWorker {

  public static void main(String[] args) throws InterruptedException {
    new HangingWorker().work();
  }

  /** The job method the agent instruments: works on items forever. */
  public void work() throws InterruptedException {
    while (!Thread.currentThread().isInterrupted()) {
      Thread.sleep(20); // one item of work
    }
  }
}
