package io.jobpulse.testapp.deep;

/** In a sub-package: only {@code io.jobpulse.testapp..*} reaches it. */
public class Cleanup {
  public void run() {}
}
