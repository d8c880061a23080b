package io.jobpulse.testapp;

/** Implements {@link Worker} without its method: subclasses are implementations through it. */
public abstract class AbstractWorker implements Worker {
  @Override
  public abstract void perform(String input) throws Exception;

  public String describe() {
    return getClass().getSimpleName();
  }
}
