package io.jobpulse.benchmarks.hotpath;

import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;

/**
 * One call of an instrumented job method. Run by {@link HotPathComparison}, once per agent, each
 * in forks of its own with the agent in the fork's JVM arguments.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class HotPathBenchmark {

  private final TrivialJob job = new TrivialJob();
  private long input;

  @Benchmark
  public long succeed() {
    return job.succeed(input++);
  }

  @Benchmark
  public Object fail() {
    try {
      return job.fail(input++);
    } catch (IllegalStateException e) {
      return e;
    }
  }
}
