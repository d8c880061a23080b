package io.jobpulse.benchmarks.startup;

import io.jobpulse.benchmarks.common.AgentVariant;
import io.jobpulse.benchmarks.common.Jvm;
import io.jobpulse.benchmarks.common.Percentiles;
import io.jobpulse.benchmarks.common.ProcessMemory;
import io.jobpulse.benchmarks.common.RepoLayout;
import io.jobpulse.benchmarks.hotpath.InstrumentationCheck;
import io.jobpulse.benchmarks.hotpath.TrivialJob;
import io.jobpulse.contract.ConfigKeys;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * Benchmark 8: what the default {@code preset:auto} costs at start-up on an application that has
 * none of the preset libraries ({@link StartupProbe}: no Quartz, Spring, db-scheduler or JobRunr on
 * its class path). Three variants per trial, interleaved so the machine's noise spreads over all:
 * no agent, the agent told one job method ({@code -Djobpulse.jobs=TrivialJob#succeed}), and the
 * agent with no {@code jobpulse.jobs} at all (its default, {@code preset:auto}, which also
 * instruments the JDK's executors). Reports the medians and, per trial, auto minus one method.
 */
@Command(name = "startup-auto", mixinStandardHelpOptions = true,
    description = "Time to main with preset:auto against one named job method and no agent.")
public final class AutoPresetStartup implements Callable<Integer> {

  /** The variants, in the order each trial runs them. */
  enum Variant {
    NONE("no agent"),
    ONE_METHOD("agent, jobpulse.jobs=<one method>"),
    AUTO("agent, preset:auto (default)");

    final String label;

    Variant(String label) {
      this.label = label;
    }
  }

  private static final long AGENT_CLASSES_AT_LEAST = 1_000;

  @Option(names = "--trials", description = "JVM starts per variant (default: ${DEFAULT-VALUE})")
  int trials = 30;

  @Option(names = "--settle-ms", description = "idle time before the footprint is read (default: ${DEFAULT-VALUE})")
  long settleMillis = 1000;

  public static void main(String[] args) {
    System.exit(new CommandLine(new AutoPresetStartup()).execute(args));
  }

  @Override
  public Integer call() throws Exception {
    RepoLayout layout = RepoLayout.current().frozen();
    Path benchmarksJar = RepoLayout.requireFile(layout.benchmarksJar(), "./mvnw -pl benchmarks package");
    String deadEndpoint = "http://127.0.0.1:" + Jvm.unusedLoopbackPort();
    Path stderr = Files.createTempFile("jobpulse-startup-auto", ".stderr");
    InstrumentationCheck.verify(AgentVariant.JOBPULSE, layout);
    Map<Variant, List<String>> jvmArgs = new EnumMap<>(Variant.class);
    jvmArgs.put(Variant.NONE, AgentVariant.NONE.jvmArgs(layout, deadEndpoint, TrivialJob.class, "succeed"));
    List<String> oneMethod = AgentVariant.JOBPULSE.jvmArgs(layout, deadEndpoint, TrivialJob.class, "succeed");
    jvmArgs.put(Variant.ONE_METHOD, oneMethod);
    // The same agent and settings without jobpulse.jobs: the agent falls back to preset:auto.
    String jobsArg = "-D" + ConfigKeys.JOBS + "=";
    jvmArgs.put(Variant.AUTO, oneMethod.stream().filter(a -> !a.startsWith(jobsArg)).toList());

    Map<Variant, List<Map<String, Long>>> samples = new EnumMap<>(Variant.class);
    long[] autoMinusOne = new long[trials];
    for (int trial = 0; trial < trials; trial++) {
      for (Variant variant : Variant.values()) {
        List<String> args = new ArrayList<>(jvmArgs.get(variant));
        args.addAll(List.of("-cp", benchmarksJar.toString(), StartupProbe.class.getName(), Long.toString(settleMillis)));
        Map<String, Long> sample = StartupFootprint.runOnce(Jvm.command(args), stderr);
        samples.computeIfAbsent(variant, v -> new ArrayList<>()).add(sample);
        System.out.printf("trial %d %-36s %s%n", trial + 1, variant.label, sample);
      }
      autoMinusOne[trial] = last(samples.get(Variant.AUTO)) - last(samples.get(Variant.ONE_METHOD));
    }

    // An agent that failed to start in auto mode would measure as free. The agent loads thousands of
    // classes (Byte Buddy, the OpenTelemetry SDK) before main; without them it did not run.
    long addedClasses = median(samples.get(Variant.AUTO), "classes") - median(samples.get(Variant.NONE), "classes");
    if (addedClasses < AGENT_CLASSES_AT_LEAST) {
      throw new IllegalStateException("with preset:auto the JVM loaded only " + addedClasses
          + " more classes than without an agent: the agent did not start; its stderr: " + Files.readString(stderr));
    }
    StringBuilder out = new StringBuilder("\n=== Start-up cost of preset:auto (" + trials + " interleaved trials)\n");
    out.append(String.format("%-36s %28s %12s %12s %10s%n", "variant", "time to main p50 (p10-p90)", "RSS p50", "classes", "threads"));
    long noneMain = median(samples.get(Variant.NONE), "mainMs");
    for (Variant variant : Variant.values()) {
      List<Map<String, Long>> list = samples.get(variant);
      Percentiles main = percentiles(list, "mainMs");
      out.append(String.format("%-36s %28s %12s %12d %10d%n", variant.label,
          String.format("%d ms (%d-%d), +%d", main.median(), main.at(0.1), main.at(0.9), main.median() - noneMain),
          ProcessMemory.mib(median(list, "rss")), median(list, "classes"), median(list, "threads")));
    }
    Percentiles paired = new Percentiles(autoMinusOne);
    out.append(String.format("per trial, auto minus one method: median %+d ms (p10 %+d, p90 %+d)%n",
        paired.median(), paired.at(0.1), paired.at(0.9)));
    System.out.println(out);
    return 0;
  }

  private static long last(List<Map<String, Long>> samples) {
    return samples.get(samples.size() - 1).get("mainMs");
  }

  private static Percentiles percentiles(List<Map<String, Long>> samples, String key) {
    return new Percentiles(samples.stream().mapToLong(s -> s.get(key)).toArray());
  }

  private static long median(List<Map<String, Long>> samples, String key) {
    return percentiles(samples, key).median();
  }
}
