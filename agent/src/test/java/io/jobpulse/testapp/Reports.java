package io.jobpulse.testapp;

/** Directly in the package; its methods are selected by name. */
public class Reports {
  public void run() {}

  public void other() {}

  @JobMarker
  public void nightly() {}
}
