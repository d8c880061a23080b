package io.jobpulse.benchmarks.hotpath;

/** Calls each job method once and exits gracefully: what {@link InstrumentationCheck} runs under an agent. */
public final class FailOnce {

  public static void main(String[] args) {
    TrivialJob job = new TrivialJob();
    job.succeed(1);
    try {
      job.fail(2);
    } catch (IllegalStateException expected) {
      // the failure is what the agent must report
    }
  }
}
