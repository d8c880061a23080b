package io.jobpulse.benchmarks.ingest;

import io.jobpulse.benchmarks.common.WorkDirectory;
import io.jobpulse.benchmarks.common.CollectorProcess;
import io.jobpulse.benchmarks.common.Percentiles;
import io.jobpulse.benchmarks.common.ProcessMemory;
import io.jobpulse.benchmarks.common.RepoLayout;
import io.jobpulse.benchmarks.otlp.SimulatedWorker;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.HdrHistogram.Histogram;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * Benchmark 3: collector ingest. Starts a real collector (or uses one on loopback), encodes the
 * OTLP/HTTP protobuf requests of thousands of simulated workers ahead of time, then sends them
 * over several connections, bounded in count and time, and reports sustained spans/s, request
 * latency percentiles and the collector's memory. Goal: at least 200,000 spans/s.
 */
@Command(name = "ingest", mixinStandardHelpOptions = true, description = "OTLP/HTTP load generator for the collector.")
public final class IngestLoad implements Callable<Integer> {

  private static final long GOAL_SPANS_PER_SECOND = 200_000;

  @Option(names = "--otlp-url", description = "a running collector's OTLP base URL (loopback); default: start one")
  String otlpUrl;

  @Option(names = "--collector-jvm-args", split = " ", defaultValue = "-XX:+UseParallelGC",
      description = "JVM options of the started collector (default: ${DEFAULT-VALUE}, the container image's collector; "
          + "an empty value for the JVM's defaults)")
  List<String> collectorJvmArgs;

  @Option(names = "--workers", description = "simulated worker JVMs (default: ${DEFAULT-VALUE})")
  int workers = 5_000;

  @Option(names = "--active-jobs", description = "runs in progress per worker, each an event of its heartbeats (default: ${DEFAULT-VALUE})")
  int activeJobs = 20;

  @Option(names = "--rotated-jobs", description = "runs in progress ended and replaced per worker tick (default: ${DEFAULT-VALUE})")
  int rotatedJobs = 5;

  @Option(names = "--short-jobs", description = "announced runs started and ended within a tick (default: ${DEFAULT-VALUE})")
  int shortJobs = 50;

  @Option(names = "--failure-rate", description = "fraction of runs that fail (default: ${DEFAULT-VALUE})")
  double failureRate = 0.05;

  @Option(names = "--heartbeat-interval-ms",
      description = "the interval the workers advertise (default: ${DEFAULT-VALUE}); it must exceed the time "
          + "between a worker's ticks at the rate reached, or the collector rightly flags the workers dead "
          + "and what is measured is detection, not ingest")
  long heartbeatIntervalMs = 60_000;

  @Option(names = "--workers-per-request", description = "worker ticks per request (default: ${DEFAULT-VALUE})")
  int workersPerRequest = 4;

  @Option(names = "--connections", description = "concurrent connections (default: ${DEFAULT-VALUE})")
  int connections = 4;

  @Option(names = "--spans", description = "spans to send in all, bounding the run (default: ${DEFAULT-VALUE}: enough "
      + "for 90 s at 220,000 spans/s); they are encoded ahead in this JVM's heap, 7.0 GiB of protobuf for the default "
      + "with ~12 GiB resident while planning: run it with -Xmx16g")
  long spans = 20_000_000;

  @Option(names = "--warmup-seconds", description = "first seconds left out of the figures (default: ${DEFAULT-VALUE}: a "
      + "started collector's rate rises for its first 30-40 s, its JIT compiling and its heap growing to its working size)")
  int warmupSeconds = 40;

  @Option(names = "--max-seconds", description = "time bound of the sending phase (default: ${DEFAULT-VALUE})")
  int maxSeconds = 90;

  public static void main(String[] args) {
    System.exit(new CommandLine(new IngestLoad()).execute(args));
  }

  @Override
  public Integer call() throws Exception {
    RequestPlan.Tick tick = new RequestPlan.Tick(activeJobs, rotatedJobs, shortJobs, failureRate);
    int requests = (int) Math.max(connections, spans / ((long) tick.spans() * workersPerRequest));
    RequestPlan[] plans = plan(tick, requests);
    long plannedSpans = Arrays.stream(plans).mapToLong(RequestPlan::totalSpans).sum();
    long plannedBytes = Arrays.stream(plans).mapToLong(RequestPlan::totalBytes).sum();
    System.out.printf("planned %,d requests, %,d spans, %s of protobuf, from %,d workers over %d connections%n",
        requests, plannedSpans, ProcessMemory.mib(plannedBytes), workers, connections);

    Path workDir = WorkDirectory.create("jobpulse-ingest");
    CollectorProcess collector = null;
    try {
      String url = otlpUrl;
      if (url == null) {
        RepoLayout layout = RepoLayout.current().frozen();
        collector = CollectorProcess.start(
            RepoLayout.requireFile(layout.collectorJar(), "./mvnw -pl collector install"), workDir,
            collectorJvmArgs.stream().filter(arg -> !arg.isBlank()).toList());
        url = collector.otlpBaseUrl();
        System.out.println("collector pid " + collector.pid() + " at " + url + ", log " + collector.log());
      }
      try (PlannedConnections sender = new PlannedConnections(url)) {
        run(plans, sender, collector);
      }
    } finally {
      if (collector != null) {
        collector.close();
      }
    }
    return 0;
  }

  /** One plan per connection: worker i always goes through connection i % connections. */
  private RequestPlan[] plan(RequestPlan.Tick tick, int requests) throws Exception {
    RequestPlan[] plans = new RequestPlan[connections];
    ExecutorService pool = Executors.newFixedThreadPool(Runtime.getRuntime().availableProcessors());
    try {
      List<Future<RequestPlan>> futures = new ArrayList<>();
      for (int c = 0; c < connections; c++) {
        List<SimulatedWorker> mine = new ArrayList<>();
        for (int w = c; w < workers; w += connections) {
          mine.add(new SimulatedWorker("ingest-" + (w % 100), w, heartbeatIntervalMs));
        }
        int count = requests / connections + (c < requests % connections ? 1 : 0);
        futures.add(pool.submit(() -> RequestPlan.build(mine, workersPerRequest, count, tick)));
      }
      for (int c = 0; c < connections; c++) {
        plans[c] = futures.get(c).get();
      }
    } finally {
      pool.shutdown();
    }
    return plans;
  }

  private void run(RequestPlan[] plans, PlannedConnections sender, CollectorProcess collector) throws Exception {
    AtomicLong ackedSpans = new AtomicLong();
    long start = System.nanoTime();
    long warmupEnd = start + TimeUnit.SECONDS.toNanos(warmupSeconds);
    long deadline = start + TimeUnit.SECONDS.toNanos(maxSeconds);
    List<CompletableFuture<Histogram>> latencies = new ArrayList<>();
    for (RequestPlan plan : plans) {
      latencies.add(sender.send(plan, ackedSpans, warmupEnd, deadline));
    }
    CompletableFuture<Void> allDone = CompletableFuture.allOf(latencies.toArray(CompletableFuture[]::new));

    // Once a second: the acknowledged spans and the collector's RSS, until every connection is done.
    List<long[]> samples = new ArrayList<>(); // {nanoTime, ackedSpans, collector RSS}
    long peakRss = -1;
    while (!awaitDone(allDone)) {
      long rss = collector == null ? -1 : ProcessMemory.rssBytes(collector.pid());
      peakRss = Math.max(peakRss, rss);
      samples.add(new long[] {System.nanoTime(), ackedSpans.get(), rss});
      long[] s = samples.get(samples.size() - 1);
      System.out.printf("t=%3ds acked %,d spans, collector RSS %s%n",
          TimeUnit.NANOSECONDS.toSeconds(s[0] - start), s[1], ProcessMemory.mib(rss));
    }
    long end = System.nanoTime();
    Histogram latency = new Histogram(TimeUnit.SECONDS.toMicros(60), 3);
    for (CompletableFuture<Histogram> f : latencies) {
      latency.add(f.get());
    }
    report(samples, start, end, ackedSpans.get(), latency, sender, collector, peakRss);
  }

  /** Waits up to a second for every connection to be done; {@code false} when some still send. */
  private static boolean awaitDone(CompletableFuture<Void> allDone) throws InterruptedException {
    try {
      allDone.get(1, TimeUnit.SECONDS);
      return true;
    } catch (TimeoutException e) {
      return false;
    } catch (ExecutionException e) {
      throw new IllegalStateException("a connection's sequence failed", e.getCause());
    }
  }

  private void report(List<long[]> samples, long start, long end, long acked, Histogram latency, PlannedConnections sender,
      CollectorProcess collector, long peakRss) {
    // Sustained rate: from the first sample after the warm-up to the last sample while every
    // connection still had requests (the tail, when some connections are done, is left out).
    long[] first = null;
    long[] last = null;
    List<Long> perSecond = new ArrayList<>();
    for (int i = 0; i < samples.size(); i++) {
      long[] s = samples.get(i);
      if (s[0] - start < TimeUnit.SECONDS.toNanos(warmupSeconds)) {
        continue;
      }
      if (first == null) {
        first = s;
      } else {
        long[] prev = samples.get(i - 1);
        perSecond.add((s[1] - prev[1]) * 1_000_000_000L / (s[0] - prev[0]));
      }
      last = s;
    }
    // Drop the tail seconds in which connections finished (the rate falls as they do).
    while (perSecond.size() > 2 && perSecond.get(perSecond.size() - 1) < perSecond.get(perSecond.size() - 2) / 2) {
      perSecond.remove(perSecond.size() - 1);
    }
    StringBuilder out = new StringBuilder("\n=== Collector ingest\n");
    out.append(String.format("sent for %.1f s; acknowledged %,d spans; throttled (429/503) %,d; failed %,d; rejected spans %,d%n",
        (end - start) / 1e9, acked, sender.throttled(), sender.failed(), sender.rejectedSpans()));
    if (sender.firstFailure() != null) {
      out.append("first failure: ").append(sender.firstFailure()).append('\n');
    }
    long sustained = -1;
    if (first != null && perSecond.size() >= 2) {
      sustained = new Percentiles(perSecond.stream().mapToLong(Long::longValue).toArray()).median();
      long[] upTo = samples.get(samples.indexOf(first) + perSecond.size());
      out.append(String.format("sustained (after %d s warm-up, %d one-second samples): median %,d spans/s, mean %,d spans/s, min %,d%n",
          warmupSeconds, perSecond.size(), sustained, (upTo[1] - first[1]) * 1_000_000_000L / (upTo[0] - first[0]),
          perSecond.stream().mapToLong(Long::longValue).min().orElse(-1)));
    } else {
      out.append(String.format("too short for a sustained figure; overall %,d spans/s%n",
          acked * 1_000_000_000L / Math.max(1, end - start)));
    }
    out.append(String.format("request latency after warm-up (%,d requests): p50 %.1f ms, p99 %.1f ms, max %.1f ms%n",
        latency.getTotalCount(), latency.getValueAtPercentile(50) / 1000.0, latency.getValueAtPercentile(99) / 1000.0,
        latency.getMaxValue() / 1000.0));
    if (collector != null) {
      long[] heap = ProcessMemory.liveHeapBytes(collector.pid());
      out.append(String.format("collector: peak RSS %s (sampled), VmHWM %s, live heap after full GC %s of %s committed, CPU %s%n",
          ProcessMemory.mib(peakRss), ProcessMemory.mib(ProcessMemory.peakRssBytes(collector.pid())),
          ProcessMemory.mib(heap[0]), ProcessMemory.mib(heap[1]), cpu(collector.pid())));
    }
    out.append(String.format("load generator CPU %s%n", cpu(ProcessHandle.current().pid())));
    out.append(String.format("Goal: >= %,d spans/s sustained -> %s%n", GOAL_SPANS_PER_SECOND,
        sustained >= GOAL_SPANS_PER_SECOND ? "MET" : "NOT MET"));
    System.out.println(out);
  }

  private static String cpu(long pid) {
    return ProcessHandle.of(pid).flatMap(p -> p.info().totalCpuDuration())
        .map(d -> String.format("%.1f s", d.toMillis() / 1000.0)).orElse("n/a");
  }
}
