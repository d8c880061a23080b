package io.jobpulse.testapp.executor;

import java.util.concurrent.CountDownLatch;

/** Occupies its worker until released. */
public class Blocker implements Runnable {
  private final CountDownLatch release;

  public Blocker(CountDownLatch release) {
    this.release = release;
  }

  @Override
  public void run() {
    Dispatch.await(release);
  }
}
