package io.jobpulse.testapp;

/** An implementation of {@link Worker} through {@link AbstractWorker}. */
public class InheritedWorker extends AbstractWorker {
  @Override
  public void perform(String input) {}
}
