package io.jobpulse.benchmarks.startup;

import io.jobpulse.benchmarks.common.AgentVariant;
import io.jobpulse.benchmarks.common.Jvm;
import io.jobpulse.benchmarks.common.Percentiles;
import io.jobpulse.benchmarks.common.ProcessMemory;
import io.jobpulse.benchmarks.common.RepoLayout;
import io.jobpulse.benchmarks.hotpath.InstrumentationCheck;
import io.jobpulse.benchmarks.hotpath.TrivialJob;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.zip.ZipFile;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * Benchmark 2: start-up time and footprint added by each agent. Starts {@link StartupProbe} in a
 * fresh JVM per trial (variants interleaved, so machine noise spreads over all of them), times
 * the JVM from launch to {@code main}, and reads the probe's heap, RSS, threads and classes after
 * it settled. Goal: JobPulse adds under a quarter of the OpenTelemetry agent's start-up time, and
 * its jar is under a quarter of that agent's.
 */
@Command(name = "startup", mixinStandardHelpOptions = true,
    description = "Time to main, heap and RSS with no agent, the JobPulse agent and the OpenTelemetry agent.")
public final class StartupFootprint implements Callable<Integer> {

  private static final String[] KEYS = {"heap", "nonHeap", "rss", "threads", "classes"};

  @Option(names = "--trials", description = "JVM starts per variant (default: ${DEFAULT-VALUE})")
  int trials = 10;

  @Option(names = "--settle-ms", description = "idle time before the footprint is read (default: ${DEFAULT-VALUE})")
  long settleMillis = 3000;

  public static void main(String[] args) {
    System.exit(new CommandLine(new StartupFootprint()).execute(args));
  }

  @Override
  public Integer call() throws Exception {
    RepoLayout layout = RepoLayout.current().frozen();
    String deadEndpoint = "http://127.0.0.1:" + Jvm.unusedLoopbackPort();
    Path stderr = Files.createTempFile("jobpulse-startup", ".stderr");
    for (AgentVariant variant : AgentVariant.values()) {
      InstrumentationCheck.verify(variant, layout);
    }
    Map<AgentVariant, List<Map<String, Long>>> samples = new EnumMap<>(AgentVariant.class);
    for (int trial = 0; trial < trials; trial++) {
      for (AgentVariant variant : AgentVariant.values()) {
        List<String> args = new ArrayList<>(variant.jvmArgs(layout, deadEndpoint, TrivialJob.class, "succeed"));
        args.addAll(List.of("-cp", RepoLayout.requireFile(layout.benchmarksJar(), "./mvnw -pl benchmarks package").toString(),
            StartupProbe.class.getName(), Long.toString(settleMillis)));
        Map<String, Long> sample = runOnce(Jvm.command(args), stderr);
        samples.computeIfAbsent(variant, v -> new ArrayList<>()).add(sample);
        System.out.printf("trial %d %-26s %s%n", trial + 1, variant.label(), sample);
      }
    }
    System.out.println(report(samples, layout));
    return 0;
  }

  /**
   * Runs {@link StartupProbe} once with {@code command}; returns its sample: {@code mainMs} (launch
   * to {@code main}) and the probe's footprint fields.
   */
  static Map<String, Long> runOnce(List<String> command, Path stderr) throws IOException, InterruptedException {
    long launched = System.nanoTime();
    Process process = new ProcessBuilder(command).redirectError(stderr.toFile()).start();
    Map<String, Long> sample = new HashMap<>();
    try (BufferedReader out = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
      for (String line; (line = out.readLine()) != null; ) {
        if (line.equals(StartupProbe.MAIN_REACHED)) {
          sample.put("mainMs", TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - launched));
        } else if (line.startsWith(StartupProbe.FOOTPRINT)) {
          for (String field : line.substring(StartupProbe.FOOTPRINT.length()).trim().split(" ")) {
            String[] kv = field.split("=", 2);
            sample.put(kv[0], Long.parseLong(kv[1]));
          }
        }
      }
    }
    if (!process.waitFor(60, TimeUnit.SECONDS) || process.exitValue() != 0 || !sample.containsKey("rss")) {
      process.destroyForcibly();
      throw new IllegalStateException("probe failed (" + command + "); its stderr: " + Files.readString(stderr));
    }
    return sample;
  }

  private static String report(Map<AgentVariant, List<Map<String, Long>>> samples, RepoLayout layout) throws IOException {
    StringBuilder out = new StringBuilder("\n=== Start-up and footprint (median of trials; + is added vs no agent)\n");
    out.append(String.format("%-26s %16s %18s %18s %18s %10s %10s%n",
        "variant", "time to main", "heap after GC", "non-heap", "RSS", "threads", "classes"));
    Map<AgentVariant, Map<String, Long>> medians = new EnumMap<>(AgentVariant.class);
    samples.forEach((variant, list) -> {
      Map<String, Long> median = new HashMap<>();
      for (String key : concat("mainMs", KEYS)) {
        median.put(key, new Percentiles(list.stream().mapToLong(s -> s.get(key)).toArray()).median());
      }
      medians.put(variant, median);
    });
    Map<String, Long> none = medians.get(AgentVariant.NONE);
    for (Map.Entry<AgentVariant, Map<String, Long>> e : medians.entrySet()) {
      Map<String, Long> m = e.getValue();
      out.append(String.format("%-26s %16s %18s %18s %18s %10s %10s%n", e.getKey().label(),
          m.get("mainMs") + " ms" + plus(m, none, "mainMs", 1, " ms"),
          mib(m, none, "heap"), mib(m, none, "nonHeap"), mib(m, none, "rss"),
          m.get("threads") + plus(m, none, "threads", 1, ""), m.get("classes") + plus(m, none, "classes", 1, "")));
    }
    long jobPulseJar = Files.size(layout.agentJar());
    long otelJar = Files.size(layout.openTelemetryAgentJar());
    out.append(String.format("agent jar: JobPulse %s, OpenTelemetry %s (ratio %.2f)%n",
        ProcessMemory.mib(jobPulseJar), ProcessMemory.mib(otelJar), (double) jobPulseJar / otelJar));
    out.append("largest parts of the JobPulse jar (compressed): ").append(largestParts(layout.agentJar(), 6)).append('\n');
    long jpAdded = medians.get(AgentVariant.JOBPULSE).get("mainMs") - none.get("mainMs");
    long otelAdded = medians.get(AgentVariant.OPENTELEMETRY).get("mainMs") - none.get("mainMs");
    out.append(String.format("Goal: JobPulse adds < 1/4 of OpenTelemetry's start-up time (%d ms / %d ms = %.2f) -> %s%n",
        jpAdded, otelAdded, (double) jpAdded / otelAdded, jpAdded * 4 < otelAdded ? "MET" : "NOT MET"));
    out.append(String.format("Goal: JobPulse jar < 1/4 of OpenTelemetry's (%.2f) -> %s%n",
        (double) jobPulseJar / otelJar, jobPulseJar * 4 < otelJar ? "MET" : "NOT MET"));
    return out.toString();
  }

  /** The {@code limit} package prefixes (seven names deep) taking the most compressed bytes in {@code jar}. */
  static String largestParts(Path jar, int limit) throws IOException {
    Map<String, Long> bytes = new HashMap<>();
    try (ZipFile zip = new ZipFile(jar.toFile())) {
      zip.stream().filter(e -> !e.isDirectory()).forEach(e -> {
        String[] parts = e.getName().split("/");
        String prefix = String.join(".", Arrays.copyOf(parts, Math.min(parts.length - 1, 7)));
        bytes.merge(prefix.isEmpty() ? "(root)" : prefix, e.getCompressedSize(), Long::sum);
      });
    }
    return bytes.entrySet().stream()
        .sorted(Map.Entry.<String, Long>comparingByValue().reversed())
        .limit(limit)
        .map(e -> e.getKey() + " " + ProcessMemory.mib(e.getValue()))
        .collect(Collectors.joining(", "));
  }

  private static String[] concat(String first, String[] rest) {
    String[] all = new String[rest.length + 1];
    all[0] = first;
    System.arraycopy(rest, 0, all, 1, rest.length);
    return all;
  }

  private static String plus(Map<String, Long> m, Map<String, Long> none, String key, double scale, String unit) {
    if (none == null || m == none) {
      return "";
    }
    return String.format(" (%+.0f%s)", (m.get(key) - none.get(key)) / scale, unit);
  }

  private static String mib(Map<String, Long> m, Map<String, Long> none, String key) {
    String value = ProcessMemory.mib(m.get(key));
    return none == null || m == none ? value
        : value + String.format(" (%+.1f)", (m.get(key) - none.get(key)) / (1024.0 * 1024.0));
  }
}
