package io.jobpulse.benchmarks.scale;

import io.jobpulse.benchmarks.common.WorkDirectory;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.jobpulse.benchmarks.common.CollectorProcess;
import io.jobpulse.benchmarks.common.JobsApi;
import io.jobpulse.benchmarks.common.Percentiles;
import io.jobpulse.benchmarks.common.ProcessMemory;
import io.jobpulse.benchmarks.common.RepoLayout;
import io.jobpulse.benchmarks.otlp.OtlpHttpSender;
import io.jobpulse.benchmarks.otlp.SimulatedWorker;
import io.jobpulse.benchmarks.otlp.TraceRequests;
import io.opentelemetry.proto.trace.v1.ResourceSpans;
import io.opentelemetry.proto.trace.v1.Span;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * Benchmark 5: scale. A real collector with 10,000 live workers (heartbeating every interval with
 * their running jobs) and 1,000,000 jobs in its store. Measures, once with the workers alone and
 * once with the million jobs, the detector's work per tick (its {@code jobpulse_detector_*} series
 * on {@code /metrics}, watched over a window while the fleet heartbeats), API query times and the
 * live heap; then lets a tenth of the workers die and measures the same for the flagged jobs.
 * Goals: detector work per tick does not grow with the number of jobs, the flagged-jobs queries
 * stay under 50 ms, the heap stays bounded.
 */
@Command(name = "scale", mixinStandardHelpOptions = true, description = "1,000,000 jobs and 10,000 workers.")
public final class ScaleBenchmark implements Callable<Integer> {

  private static final int SPANS_PER_FILL_REQUEST = 500;
  private static final long QUERY_GOAL_MS = 50;
  /** Untimed queries of each kind first: the figures are of a warm collector, as in service. */
  private static final int WARMUP_QUERIES = 5;
  private static final ObjectMapper JSON = new ObjectMapper();
  /** How often a stage samples the detector's last-tick gauges (a tick is every 150 ms by default). */
  private static final long GAUGE_SAMPLING_MS = 250;

  @Option(names = "--workers", description = "live simulated workers (default: ${DEFAULT-VALUE})")
  int workers = 10_000;

  @Option(names = "--active-jobs", description = "runs in progress per worker (default: ${DEFAULT-VALUE})")
  int activeJobs = 5;

  @Option(names = "--jobs", description = "finished jobs put in the store (default: ${DEFAULT-VALUE})")
  int jobs = 1_000_000;

  @Option(names = "--heartbeat-interval-ms",
      description = "the interval the workers advertise and keep (default: ${DEFAULT-VALUE}); a collector that "
          + "cannot keep up with the fill flags live workers whose heartbeats wait behind it")
  long heartbeatIntervalMs = 5_000;

  @Option(names = "--spread-heartbeats",
      description = "give each request of 50 workers' heartbeats its own moment in the interval, as agents started "
          + "at different times send them, instead of sending every live worker's at once (the worst case)")
  boolean spreadHeartbeats;

  @Option(names = "--dead-fraction", description = "fraction of workers that die at the end (default: ${DEFAULT-VALUE})")
  double deadFraction = 0.1;

  @Option(names = "--connections", description = "concurrent connections (default: ${DEFAULT-VALUE})")
  int connections = 4;

  @Option(names = "--queries", description = "timed queries per kind (default: ${DEFAULT-VALUE})")
  int queries = 200;

  @Option(names = "--timeout-seconds", description = "bound on waiting for the flags (default: ${DEFAULT-VALUE})")
  long timeoutSeconds = 180;

  @Option(names = "--detector-window-seconds",
      description = "how long each stage watches the detector's ticks on /metrics (default: ${DEFAULT-VALUE})")
  long detectorWindowSeconds = 10;

  @Option(names = "--collector-jvm-args", split = " ", description = "JVM options of the collector")
  List<String> collectorJvmArgs = new ArrayList<>();

  private static final int HEARTBEATS_PER_REQUEST = 50;

  private final List<SimulatedWorker> fleet = new ArrayList<>();
  /** Workers [0, liveWorkers) heartbeat; the rest have died. */
  private final AtomicInteger liveWorkers = new AtomicInteger();
  /** Each stage's line of the detector table. */
  private final List<String> detectorByStage = new ArrayList<>();

  public static void main(String[] args) {
    System.exit(new CommandLine(new ScaleBenchmark()).execute(args));
  }

  @Override
  public Integer call() throws Exception {
    RepoLayout layout = RepoLayout.current().frozen();
    Path workDir = WorkDirectory.create("jobpulse-scale");
    for (int w = 0; w < workers; w++) {
      fleet.add(new SimulatedWorker("scale-" + (w % 50), w, heartbeatIntervalMs));
    }
    ScheduledExecutorService heartbeats = Executors.newSingleThreadScheduledExecutor();
    // Heartbeats have connections of their own: queued behind the fill, they would arrive late
    // and the collector would rightly flag live workers. And a round's requests all leave at once,
    // as a real fleet's heartbeats do: sent one after another on a few threads, a round would last
    // as long as that many round trips, and under load longer than the heartbeat timeout.
    ExecutorService heartbeatSenders = Executors.newFixedThreadPool(Math.max(2, Math.min(200, (workers + 49) / 50)));
    ExecutorService senders = Executors.newFixedThreadPool(connections);
    StringBuilder report = new StringBuilder("\n=== Scale\n");
    try (CollectorProcess collector = CollectorProcess.start(
        RepoLayout.requireFile(layout.collectorJar(), "./mvnw -pl collector install"), workDir, collectorJvmArgs)) {
      System.out.println("collector pid " + collector.pid() + ", log " + collector.log());
      OtlpHttpSender sender = new OtlpHttpSender(collector.otlpBaseUrl());
      JobsApi api = new JobsApi(collector.apiBaseUrl());

      long t0 = System.nanoTime();
      sendAll(senders, sender, workers, 20, (w, spans) -> {
        w.startJobs(activeJobs, nowNanos(), spans);
        w.heartbeat(nowNanos(), spans);
      });
      liveWorkers.set(workers);
      report.append(String.format("registered %,d workers with %,d running jobs in %.1f s%n",
          workers, workers * activeJobs, (System.nanoTime() - t0) / 1e9));
      if (spreadHeartbeats) {
        int requests = (workers + HEARTBEATS_PER_REQUEST - 1) / HEARTBEATS_PER_REQUEST;
        for (int r = 0; r < requests; r++) {
          int from = r * HEARTBEATS_PER_REQUEST;
          int to = Math.min(workers, from + HEARTBEATS_PER_REQUEST);
          heartbeats.scheduleAtFixedRate(() -> heartbeatSenders.execute(() -> heartbeatLive(sender, from, to)),
              heartbeatIntervalMs + heartbeatIntervalMs * r / requests, heartbeatIntervalMs, TimeUnit.MILLISECONDS);
        }
      } else {
        heartbeats.scheduleAtFixedRate(() -> heartbeatLive(heartbeatSenders, sender),
            heartbeatIntervalMs, heartbeatIntervalMs, TimeUnit.MILLISECONDS);
      }

      report.append(measure("workers only", collector, api));

      t0 = System.nanoTime();
      int perWorker = SPANS_PER_FILL_REQUEST / 2 / 10;
      int fillRequests = (int) Math.ceil(jobs / (double) (perWorker * 10));
      AtomicInteger nextWorker = new AtomicInteger();
      List<Future<?>> fill = new ArrayList<>();
      for (int r = 0; r < fillRequests; r++) {
        fill.add(senders.submit(() -> {
          List<ResourceSpans> batch = new ArrayList<>(10);
          for (int i = 0; i < 10; i++) {
            SimulatedWorker w = fleet.get(Math.floorMod(nextWorker.getAndIncrement(), workers));
            batch.add(spansOf(w, spans -> w.finishedJobs(perWorker, nowNanos(), 0.05, spans)));
          }
          sender.send(TraceRequests.request(batch).toByteArray());
          return null;
        }));
      }
      for (int r = 0; r < fill.size(); r++) {
        fill.get(r).get();
        if ((r + 1) % Math.max(1, fill.size() / 10) == 0) {
          System.out.printf("fill: %,d of %,d requests acknowledged after %.1f s%n", r + 1, fill.size(),
              (System.nanoTime() - t0) / 1e9);
        }
      }
      report.append(String.format("stored %,d finished jobs (%,d spans) in %.1f s; failed requests %d, throttled %d%n",
          (long) fillRequests * perWorker * 10, (long) fillRequests * perWorker * 20, (System.nanoTime() - t0) / 1e9,
          sender.failed(), sender.throttled()));

      long falseFlags = api.jobs("CRASHED", null, 10_000).size();
      report.append(String.format("jobs of live workers flagged CRASHED so far (false positives, capped at 10,000): %,d%n",
          falseFlags));
      report.append(measure("+ " + jobs + " jobs", collector, api));

      int dead = (int) (workers * deadFraction);
      liveWorkers.set(workers - dead);
      long expected = (long) dead * activeJobs;
      t0 = System.nanoTime();
      long deadline = t0 + TimeUnit.SECONDS.toNanos(timeoutSeconds);
      long flagged = 0;
      while (System.nanoTime() < deadline
          && (flagged = api.jobs("CRASHED", null, 10_000).size()) < Math.min(10_000, expected + falseFlags)) {
        TimeUnit.MILLISECONDS.sleep(500); // polling period of a client
      }
      report.append(String.format("%,d workers stopped heartbeating: %,d jobs CRASHED (expected %,d) after %.1f s%n",
          dead, flagged, expected, (System.nanoTime() - t0) / 1e9));
      report.append(measure("+ " + flagged + " flagged", collector, api));
      if (sender.firstFailure() != null) {
        report.append("first failed request: ").append(sender.firstFailure()).append('\n');
      }
      report.append("detector work per tick, by stage (flat = does not grow with the stored jobs):\n");
      detectorByStage.forEach(line -> report.append(line).append('\n'));
    } finally {
      heartbeats.shutdownNow();
      heartbeatSenders.shutdownNow();
      senders.shutdownNow();
    }
    System.out.println(report);
    return 0;
  }

  /** Heartbeats of every live worker, {@link #HEARTBEATS_PER_REQUEST} workers per request. */
  private void heartbeatLive(ExecutorService senders, OtlpHttpSender sender) {
    try {
      sendAll(senders, sender, liveWorkers.get(), HEARTBEATS_PER_REQUEST, (w, spans) -> w.heartbeat(nowNanos(), spans));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt(); // the run is over
    } catch (Exception e) {
      if (!Thread.currentThread().isInterrupted() && !(e.getCause() instanceof InterruptedException)) {
        System.err.println("heartbeat round failed: " + e);
      }
    }
  }

  /** One request: the heartbeats of the live workers among [from, to). */
  private void heartbeatLive(OtlpHttpSender sender, int from, int to) {
    int end = Math.min(to, liveWorkers.get());
    if (end <= from) {
      return;
    }
    try {
      sender.send(request(from, end, (w, spans) -> w.heartbeat(nowNanos(), spans)));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt(); // the run is over
    }
  }

  /** Sends, for workers [0, count), what {@code build} makes of each, {@code perRequest} workers a request. */
  private void sendAll(ExecutorService senders, OtlpHttpSender sender, int count, int perRequest,
      java.util.function.BiConsumer<SimulatedWorker, List<Span>> build) throws Exception {
    List<Future<?>> sent = new ArrayList<>();
    for (int from = 0; from < count; from += perRequest) {
      int start = from;
      int end = Math.min(count, from + perRequest);
      sent.add(senders.submit(() -> sender.send(request(start, end, build))));
    }
    for (Future<?> f : sent) {
      f.get();
    }
  }

  /** The request of workers [from, to): what {@code build} makes of each. */
  private byte[] request(int from, int to, java.util.function.BiConsumer<SimulatedWorker, List<Span>> build) {
    List<ResourceSpans> batch = new ArrayList<>(to - from);
    for (int i = from; i < to; i++) {
      SimulatedWorker w = fleet.get(i);
      batch.add(spansOf(w, spans -> build.accept(w, spans)));
    }
    return TraceRequests.request(batch).toByteArray();
  }

  /** A worker's spans; the worker is locked because heartbeats and the fill build from it on different threads. */
  private static ResourceSpans spansOf(SimulatedWorker worker, Consumer<List<Span>> build) {
    synchronized (worker) {
      List<Span> spans = new ArrayList<>();
      build.accept(spans);
      return worker.resourceSpans(spans);
    }
  }

  /**
   * The detector's ticks over a window, query times, the collector's counts and memory at this
   * stage. A query is timed from the request to the last byte of the response, as the API serves
   * it; the benchmark's own parsing of the JSON (tens of ms for a page of thousands) is not.
   */
  private String measure(String stage, CollectorProcess collector, JobsApi api) throws Exception {
    StringBuilder out = new StringBuilder("-- ").append(stage).append('\n');
    Optional<DetectorTicks> before = DetectorTicks.of(api.getText("/metrics"));
    if (before.isPresent()) {
      // The fleet keeps heartbeating meanwhile: the detector of a stage in service.
      TickWorkRange range = new TickWorkRange();
      DetectorTicks last = before.get();
      long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(detectorWindowSeconds);
      while (System.nanoTime() < end) {
        TimeUnit.MILLISECONDS.sleep(GAUGE_SAMPLING_MS);
        last = DetectorTicks.of(api.getText("/metrics")).orElseThrow();
        range.include(last);
      }
      String line = last.since(before.get()).describe() + "; " + range;
      out.append(String.format("   detector over %d s: %s%n", detectorWindowSeconds, line));
      detectorByStage.add(String.format("   %-22s %s", stage, line));
    } else {
      out.append("   detector: this collector's /metrics has no jobpulse_detector_* series\n");
    }
    String[][] kinds = {
        {"CRASHED", "100"}, {"CRASHED", "10000"}, {"STUCK", "100"}, {"RUNNING", "100"}, {"COMPLETED", "100"},
        {null, "100"}};
    for (String[] kind : kinds) {
      String path = "/api/jobs?limit=" + kind[1] + (kind[0] == null ? "" : "&status=" + kind[0]);
      for (int q = 0; q < WARMUP_QUERIES; q++) {
        api.getText(path);
      }
      long[] micros = new long[queries];
      byte[] body = null;
      for (int q = 0; q < queries; q++) {
        long t = System.nanoTime();
        body = api.getBytes(path);
        micros[q] = TimeUnit.NANOSECONDS.toMicros(System.nanoTime() - t);
      }
      int size = JSON.readTree(body).path("jobs").size();
      Percentiles p = new Percentiles(micros);
      boolean flaggedQuery = "CRASHED".equals(kind[0]) || "STUCK".equals(kind[0]);
      out.append(String.format("   GET /api/jobs?%slimit=%s -> %,d jobs: p50 %.1f ms, p99 %.1f ms, max %.1f ms%s%n",
          kind[0] == null ? "" : "status=" + kind[0] + "&", kind[1], size, p.median() / 1000.0, p.at(0.99) / 1000.0,
          p.max() / 1000.0, flaggedQuery ? (p.at(0.99) < QUERY_GOAL_MS * 1000 ? "  [goal p99 < 50 ms: MET]" : "  [goal p99 < 50 ms: NOT MET]") : ""));
    }
    try {
      for (String line : api.getText("/metrics").split("\n")) {
        if (line.startsWith("jobpulse_jobs") || line.startsWith("jobpulse_workers")) {
          out.append("   metric ").append(line).append('\n');
        }
      }
    } catch (java.io.IOException e) {
      out.append("   /metrics unavailable: ").append(e.getMessage()).append('\n');
    }
    long[] heap = ProcessMemory.liveHeapBytes(collector.pid());
    out.append(String.format("   collector: live heap after full GC %s (committed %s), RSS %s%n",
        ProcessMemory.mib(heap[0]), ProcessMemory.mib(heap[1]), ProcessMemory.mib(ProcessMemory.rssBytes(collector.pid()))));
    System.out.print(out);
    return out.toString();
  }

  private static long nowNanos() {
    return System.currentTimeMillis() * 1_000_000L;
  }
}
