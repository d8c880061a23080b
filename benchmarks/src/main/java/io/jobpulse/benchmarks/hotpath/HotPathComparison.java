package io.jobpulse.benchmarks.hotpath;

import io.jobpulse.benchmarks.common.AgentVariant;
import io.jobpulse.benchmarks.common.Jvm;
import io.jobpulse.benchmarks.common.RepoLayout;
import java.util.ArrayList;
import java.util.Collection;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.openjdk.jmh.results.Result;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.options.ChainedOptionsBuilder;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * Benchmark 1: the hot-path overhead of an instrumented job method. Runs {@link HotPathBenchmark}
 * with JMH once per {@link AgentVariant} (each variant in forks of its own, the agent in
 * {@code jvmArgsAppend}) and prints what each agent adds per call, against the goal: JobPulse adds
 * at most half of what the OpenTelemetry agent adds, and under 1 µs.
 */
@Command(name = "hot-path", mixinStandardHelpOptions = true,
    description = "JMH: a trivial job method with no agent, the JobPulse agent and the OpenTelemetry agent.")
public final class HotPathComparison implements Callable<Integer> {

  @Option(names = "-f", description = "JMH forks per variant (default: ${DEFAULT-VALUE})")
  int forks = 1;

  @Option(names = "-wi", description = "warm-up iterations (default: ${DEFAULT-VALUE})")
  int warmupIterations = 3;

  @Option(names = "-i", description = "measurement iterations (default: ${DEFAULT-VALUE})")
  int iterations = 5;

  @Option(names = "-w", description = "seconds per warm-up iteration (default: ${DEFAULT-VALUE})")
  int warmupSeconds = 1;

  @Option(names = "-r", description = "seconds per measurement iteration (default: ${DEFAULT-VALUE})")
  int iterationSeconds = 1;

  @Option(names = "-t", description = "benchmark threads (default: ${DEFAULT-VALUE})")
  int threads = 1;

  @Option(names = "--jvm", description = "the java launcher of the forks (default: this JVM's)")
  String jvm;

  @Option(names = "--prof", description = "JMH profilers, e.g. gc (allocation per call) or stack")
  List<String> profilers = new ArrayList<>();

  @Option(names = "--variants", split = ",", description = "which of ${COMPLETION-CANDIDATES} (default: all)")
  List<AgentVariant> variants = List.of(AgentVariant.values());

  /** Suffix of the per-method key of the gc profiler's bytes allocated per call. */
  private static final String ALLOCATION = " B/op";

  public static void main(String[] args) {
    System.exit(new CommandLine(new HotPathComparison()).setCaseInsensitiveEnumValuesAllowed(true).execute(args));
  }

  @Override
  public Integer call() throws Exception {
    RepoLayout layout = RepoLayout.current().frozen();
    String deadEndpoint = "http://127.0.0.1:" + Jvm.unusedLoopbackPort();
    Map<AgentVariant, Map<String, Result<?>>> scores = new EnumMap<>(AgentVariant.class);
    for (AgentVariant variant : variants) {
      InstrumentationCheck.verify(variant, layout);
    }
    for (AgentVariant variant : variants) {
      List<String> agentArgs = variant.jvmArgs(layout, deadEndpoint, TrivialJob.class, "succeed", "fail");
      ChainedOptionsBuilder options = new OptionsBuilder()
          .include(HotPathBenchmark.class.getName() + "\\.")
          .forks(forks)
          .warmupIterations(warmupIterations)
          .warmupTime(TimeValue.seconds(warmupSeconds))
          .measurementIterations(iterations)
          .measurementTime(TimeValue.seconds(iterationSeconds))
          .threads(threads)
          .jvmArgsAppend(agentArgs.toArray(new String[0]));
      if (jvm != null) {
        options.jvm(jvm);
      }
      for (String profiler : profilers) {
        options.addProfiler(profiler);
      }
      System.out.println("\n=== " + variant.label() + " " + agentArgs);
      Collection<RunResult> results = new Runner(options.build()).run();
      Map<String, Result<?>> byMethod = new java.util.HashMap<>();
      for (RunResult run : results) {
        String label = run.getParams().getBenchmark();
        String method = label.substring(label.lastIndexOf('.') + 1);
        byMethod.put(method, run.getPrimaryResult());
        run.getSecondaryResults().forEach((name, result) -> {
          if (name.endsWith("gc.alloc.rate.norm")) {
            byMethod.put(method + ALLOCATION, result);
          }
        });
      }
      scores.put(variant, byMethod);
    }
    System.out.println(report(scores));
    return 0;
  }

  static String report(Map<AgentVariant, Map<String, Result<?>>> scores) {
    StringBuilder out = new StringBuilder("\n=== Hot path: ns per call (mean ± 99.9% CI), added vs no agent\n");
    out.append(String.format("%-26s %22s %26s %22s%n", "variant", "succeed", "succeedPaced", "fail"));
    for (Map.Entry<AgentVariant, Map<String, Result<?>>> e : scores.entrySet()) {
      out.append(String.format("%-26s %22s %26s %22s%n", e.getKey().label(), cell(scores, e.getKey(), "succeed"),
          cell(scores, e.getKey(), "succeedPaced"), cell(scores, e.getKey(), "fail")));
    }
    for (Map.Entry<AgentVariant, Map<String, Result<?>>> e : scores.entrySet()) {
      Result<?> succeed = e.getValue().get("succeed" + ALLOCATION);
      Result<?> fail = e.getValue().get("fail" + ALLOCATION);
      if (succeed != null && fail != null) {
        out.append(String.format("%-26s allocated per call: succeed %.1f B, fail %.1f B%n",
            e.getKey().label(), succeed.getScore(), fail.getScore()));
      }
    }
    goals(out, scores, "succeed");
    goals(out, scores, "succeedPaced");
    return out.toString();
  }

  private static void goals(StringBuilder out, Map<AgentVariant, Map<String, Result<?>>> scores, String method) {
    Double jobPulse = added(scores, AgentVariant.JOBPULSE, method);
    Double otel = added(scores, AgentVariant.OPENTELEMETRY, method);
    if (jobPulse != null) {
      out.append(String.format("Goal (%s): JobPulse adds < 1000 ns per successful call: %.1f ns -> %s%n",
          method, jobPulse, jobPulse < 1000 ? "MET" : "NOT MET"));
    }
    if (jobPulse != null && otel != null) {
      out.append(String.format("Goal (%s): JobPulse adds <= half of what OpenTelemetry adds (%.1f ns / %.1f ns = %.2f) -> %s%n",
          method, jobPulse, otel, jobPulse / otel, jobPulse <= otel / 2 ? "MET" : "NOT MET"));
    }
  }

  private static String cell(Map<AgentVariant, Map<String, Result<?>>> scores, AgentVariant variant, String method) {
    Result<?> r = scores.get(variant).get(method);
    if (r == null) {
      return "-";
    }
    Double added = added(scores, variant, method);
    String base = String.format("%.1f ± %.1f", r.getScore(), r.getScoreError());
    return variant == AgentVariant.NONE || added == null ? base : base + String.format(" (+%.1f)", added);
  }

  private static Double added(Map<AgentVariant, Map<String, Result<?>>> scores, AgentVariant variant, String method) {
    Map<String, Result<?>> none = scores.get(AgentVariant.NONE);
    Map<String, Result<?>> mine = scores.get(variant);
    if (none == null || mine == null || none.get(method) == null || mine.get(method) == null) {
      return null;
    }
    return mine.get(method).getScore() - none.get(method).getScore();
  }
}
