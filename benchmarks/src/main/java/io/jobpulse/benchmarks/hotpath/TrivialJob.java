package io.jobpulse.benchmarks.hotpath;

/**
 * The job both agents instrument in the hot-path benchmark: as little work as a method can do, so
 * what is measured is the instrumentation around it.
 */
public class TrivialJob {

  /** A short successful run: JobPulse only counts it in its job name's per-interval summary. */
  public long succeed(long input) {
    return input * 31 + 7;
  }

  /** A failed run: always reported one by one, with its exception. */
  public long fail(long input) {
    throw new IllegalStateException("job failed");
  }
}
