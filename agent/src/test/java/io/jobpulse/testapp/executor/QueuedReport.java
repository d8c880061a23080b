package io.jobpulse.testapp.executor;

import java.util.concurrent.Callable;

/** Waits in the queue behind a {@link Blocker}, then fails: its future keeps the exception. */
public class QueuedReport implements Callable<String> {
  @Override
  public String call() {
    System.out.println("report ran");
    throw new IllegalStateException("report failed");
  }
}
