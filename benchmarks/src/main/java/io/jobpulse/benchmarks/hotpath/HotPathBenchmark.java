package io.jobpulse.benchmarks.hotpath;

import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.infra.Blackhole;

/**
 * One call of an instrumented job method. Run by {@link HotPathComparison}, once per agent, each
 * in forks of its own with the agent in the fork's JVM arguments.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class HotPathBenchmark {

  /**
   * Work between two paced calls: about 8 µs on the benchmark machine, so runs come at about
   * 130,000 a second, a rate the agent's reporter keeps up with.
   */
  static final long PACING_TOKENS = 4_000;

  private final TrivialJob job = new TrivialJob();
  private long input;

  @Benchmark
  public long succeed() {
    return job.succeed(input++);
  }

  /**
   * A successful call after some other work: {@link #succeed} alone outruns the agent's reporter
   * (millions of runs a second), so part of its runs take the cheaper dropped path; paced, every
   * run is tracked. The agent's cost is this figure minus the same without an agent.
   */
  @Benchmark
  public long succeedPaced() {
    Blackhole.consumeCPU(PACING_TOKENS);
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
