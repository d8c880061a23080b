package io.jobpulse.testapp.load;

import java.util.concurrent.CountDownLatch;

/** The load application's job methods and item method. */
public class Load {

  public int quick(int n) {
    return n % 7;
  }

  public int fail(String row) {
    throw new IllegalStateException("bad row " + row);
  }

  public int withOrder(Order order) {
    return order.amount();
  }

  /** Longer than the announce delay: works through rows for {@code millis}. */
  public int slow(long millis) {
    long end = System.nanoTime() + millis * 1_000_000;
    int rows = 0;
    while (System.nanoTime() - end < 0) {
      rows += row(rows);
    }
    return rows;
  }

  /** The item method. */
  public int row(int n) {
    return n >= 0 ? 1 : 0;
  }

  /** Runs until released. */
  public void longJob(CountDownLatch release) {
    try {
      release.await();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
