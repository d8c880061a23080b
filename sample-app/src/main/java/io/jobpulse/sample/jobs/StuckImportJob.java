package io.jobpulse.sample.jobs;

import java.util.concurrent.CountDownLatch;

/**
 * Imports a partner's file once it arrives. The partner never delivers it, and nothing bounds
 * the wait: the job hangs until the process is killed.
 */
public final class StuckImportJob {

  private final CountDownLatch fileArrived = new CountDownLatch(1);

  public void run() throws InterruptedException {
    fileArrived.await();
  }
}
