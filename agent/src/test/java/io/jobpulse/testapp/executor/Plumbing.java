package io.jobpulse.testapp.executor;

/** The application's own infrastructure task, run outside any job: never a job. */
public class Plumbing implements Runnable {
  @Override
  public void run() {
    System.out.println("plumbing");
  }
}
