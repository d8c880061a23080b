package io.jobpulse.testapp.executor;

import java.util.concurrent.Callable;

/** A task with a name of its own. */
public class CountRows implements Callable<Integer> {
  @Override
  public Integer call() {
    return 42;
  }
}
