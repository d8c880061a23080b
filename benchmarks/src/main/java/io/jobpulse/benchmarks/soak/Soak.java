package io.jobpulse.benchmarks.soak;

import io.jobpulse.benchmarks.common.WorkDirectory;
import com.fasterxml.jackson.databind.JsonNode;
import io.jobpulse.benchmarks.common.CollectorProcess;
import io.jobpulse.benchmarks.common.JobsApi;
import io.jobpulse.benchmarks.common.Percentiles;
import io.jobpulse.benchmarks.common.ProcessMemory;
import io.jobpulse.benchmarks.common.RepoLayout;
import io.jobpulse.benchmarks.otlp.OtlpHttpSender;
import io.jobpulse.contract.LeaseProtocol;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * Benchmark 7: the soak. A real collector and a fleet of workers with real job churn for N minutes,
 * while workers are killed at random: simulated workers in this JVM (OTLP protobuf spans over HTTP
 * and a lease each; killed by closing the lease without goodbye) and real JVMs under the agent
 * (killed with {@code kill -9}); every killed worker is replaced. Checks that every kill is flagged
 * {@code CRASHED}, that no run of a live worker is ever flagged {@code CRASHED} or {@code LOST} (and
 * that the collector's {@code jobpulse_false_positives_total} agrees with the API), and samples the
 * collector's RSS and live heap each minute.
 */
@Command(name = "soak", mixinStandardHelpOptions = true, description = "Kills, flags, false positives and memory over N minutes.")
public final class Soak implements Callable<Integer> {

  private static final Pattern FALSE_POSITIVES = Pattern.compile("(?m)^jobpulse_false_positives_total(?:\\{[^}]*})? (\\S+)");
  private static final String[] WRONG_FLAGS = {"CRASHED", "LOST"};

  @Option(names = "--minutes", description = "length of the churn (default: ${DEFAULT-VALUE})")
  int minutes = 10;

  @Option(names = "--simulated-workers", description = "simulated workers in this JVM (default: ${DEFAULT-VALUE})")
  int simulatedWorkers = 190;

  @Option(names = "--real-workers", description = "child JVMs under the agent (default: ${DEFAULT-VALUE})")
  int realWorkers = 10;

  @Option(names = "--heartbeat-interval-ms", description = "simulated workers' heartbeat interval (default: ${DEFAULT-VALUE}, the agent's default)")
  long heartbeatIntervalMs = 5_000;

  @Option(names = "--real-heartbeat-interval", description = "real workers' jobpulse.heartbeat.interval (default: the agent's)")
  String realHeartbeatInterval;

  @Option(names = "--simulated-kill-every-ms", description = "a simulated worker is killed this often (default: ${DEFAULT-VALUE})")
  long simulatedKillEveryMs = 6_000;

  @Option(names = "--real-kill-every-seconds", description = "a real worker is killed this often (default: ${DEFAULT-VALUE})")
  long realKillEverySeconds = 40;

  @Option(names = "--verify-timeout-seconds", description = "bound on waiting for a kill's flags (default: ${DEFAULT-VALUE})")
  long verifyTimeoutSeconds = 90;

  @Option(names = "--seed", description = "random seed (default: ${DEFAULT-VALUE})")
  long seed = 7;

  @Option(names = "--collector-jvm-args", split = " ", description = "JVM options of the collector")
  List<String> collectorJvmArgs = new ArrayList<>();

  private final List<VirtualWorker> simulated = new CopyOnWriteArrayList<>();
  private final Map<VirtualWorker, ScheduledFuture<?>> ticking = new ConcurrentHashMap<>();
  private final List<RealWorker> real = new CopyOnWriteArrayList<>();
  private final List<Kill> kills = new CopyOnWriteArrayList<>();
  private final KilledWorkers killedWorkers = new KilledWorkers();
  private final Map<Kill.Outcome, AtomicInteger> outcomes = new EnumMap<>(Kill.Outcome.class);
  private final List<String> missed = new CopyOnWriteArrayList<>();
  private final List<long[]> latencies = new CopyOnWriteArrayList<>(); // {real ? 1 : 0, detectionLatencyMs, observed ms}
  private final AtomicInteger workerSeq = new AtomicInteger();
  private final AtomicInteger killsWithoutRuns = new AtomicInteger();
  private final AtomicInteger leasesLost = new AtomicInteger();
  private final AtomicInteger tickFailures = new AtomicInteger();
  private final AtomicLong lastPingRound = new AtomicLong(System.nanoTime());
  private final AtomicLong worstPingGapMs = new AtomicLong();
  /** Used by the main thread while the fleet starts, then by the simulated-kill task only. */
  private SplittableRandom simulatedRandom;
  /** Used by the real-kill task only. */
  private Random realRandom;
  /** Set by the report: every kill flagged, no false positive. */
  private boolean clean;

  public static void main(String[] args) {
    System.exit(new CommandLine(new Soak()).execute(args));
  }

  @Override
  public Integer call() throws Exception {
    for (Kill.Outcome outcome : Kill.Outcome.values()) {
      outcomes.put(outcome, new AtomicInteger());
    }
    simulatedRandom = new SplittableRandom(seed);
    realRandom = new Random(seed);
    RepoLayout layout = RepoLayout.current().frozen();
    Path agent = RepoLayout.requireFile(layout.agentJar(), "./mvnw -pl agent install");
    Path workDir = WorkDirectory.create("jobpulse-soak");
    // Real workers start from it for the whole run: a copy, so a rebuild meanwhile cannot break them.
    Path benchmarksJar = Files.copy(RepoLayout.requireFile(layout.benchmarksJar(), "./mvnw -pl benchmarks package"),
        workDir.resolve("benchmarks.jar"));
    ScheduledExecutorService ticks = Executors.newScheduledThreadPool(4, daemon("tick"));
    // Pings have a thread of their own, as in the agent: a lease silent for the collector's idle
    // timeout is closed, and that would be the soak's fault, not the collector's.
    ScheduledExecutorService pings = Executors.newSingleThreadScheduledExecutor(daemon("ping"));
    ScheduledExecutorService control = Executors.newScheduledThreadPool(2, daemon("control"));
    // Verifiers mostly wait between polls; enough of them that a kill is not checked late because
    // another kill's check is still waiting.
    ExecutorService verifiers = Executors.newFixedThreadPool(8, daemon("verify"));
    List<String> memory = new ArrayList<>();
    try (CollectorProcess collector = CollectorProcess.start(
        RepoLayout.requireFile(layout.collectorJar(), "./mvnw -pl collector install"), workDir, collectorJvmArgs)) {
      System.out.println("collector pid " + collector.pid() + ", log " + collector.log() + ", work dir " + workDir);
      OtlpHttpSender sender = new OtlpHttpSender(collector.otlpBaseUrl());
      JobsApi api = new JobsApi(collector.apiBaseUrl());
      String host = URI.create(collector.otlpBaseUrl()).getHost();
      lastPingRound.set(System.nanoTime());
      pings.scheduleAtFixedRate(this::pingAll, 0, LeaseProtocol.PING_INTERVAL_MS, TimeUnit.MILLISECONDS);

      for (int i = 0; i < simulatedWorkers; i++) {
        startSimulated(ticks, sender, host, collector.otlpPort());
      }
      for (int i = 0; i < realWorkers; i++) {
        real.add(RealWorker.start(nextRealService(), agent, benchmarksJar, collector.otlpBaseUrl(), realHeartbeatInterval, workDir));
      }
      System.out.printf("fleet up: %d simulated, %d real workers%n", simulated.size(), real.size());
      memory.add(sampleMemory(0, collector, api));

      control.scheduleWithFixedDelay(guard(() -> killSimulated(ticks, verifiers, sender, host, collector.otlpPort(), api)),
          simulatedKillEveryMs, simulatedKillEveryMs, TimeUnit.MILLISECONDS);
      control.scheduleWithFixedDelay(guard(() -> killReal(verifiers, agent, benchmarksJar, collector, api, workDir)),
          realKillEverySeconds, realKillEverySeconds, TimeUnit.SECONDS);

      long end = System.nanoTime() + TimeUnit.MINUTES.toNanos(minutes);
      for (int minute = 1; minute <= minutes; minute++) {
        long due = System.nanoTime() + TimeUnit.MINUTES.toNanos(1);
        TimeUnit.NANOSECONDS.sleep(Math.max(0, Math.min(due, end) - System.nanoTime())); // the soak's own pace
        memory.add(sampleMemory(minute, collector, api));
      }

      // No more kills; the fleet keeps heartbeating while the last kills are checked, or the
      // survivors would (rightly) be flagged.
      control.shutdownNow();
      control.awaitTermination(60, TimeUnit.SECONDS);
      verifiers.shutdown();
      if (!verifiers.awaitTermination(verifyTimeoutSeconds + 30, TimeUnit.SECONDS)) {
        System.out.println("WARNING: kill verification still running; its kills count as missed");
      }
      System.out.println(report(api, memory));
    } finally {
      ticks.shutdownNow();
      pings.shutdownNow();
      verifiers.shutdownNow();
      for (RealWorker worker : real) {
        worker.kill();
      }
      for (VirtualWorker worker : simulated) {
        worker.kill();
      }
    }
    return clean ? 0 : 1;
  }

  private void startSimulated(ScheduledExecutorService ticks, OtlpHttpSender sender, String host, int otlpPort)
      throws IOException, InterruptedException {
    int n = workerSeq.incrementAndGet();
    VirtualWorker worker = new VirtualWorker("soak-sim-" + (n % 20), seed * 1_000_003L + n, heartbeatIntervalMs);
    if (!worker.start(sender, host, otlpPort)) {
      throw new IllegalStateException("the collector refused a worker's first spans: " + sender.firstFailure());
    }
    simulated.add(worker);
    // Spread over the interval, as independent processes would be.
    long firstTick = (long) (simulatedRandom.nextDouble() * heartbeatIntervalMs);
    ticking.put(worker, ticks.scheduleAtFixedRate(guard(() -> {
      if (!worker.tick(sender)) {
        tickFailures.incrementAndGet();
      }
    }), firstTick, heartbeatIntervalMs, TimeUnit.MILLISECONDS));
  }

  private String nextRealService() {
    return "soak-real-" + workerSeq.incrementAndGet();
  }

  /** One lease {@code PING} per live simulated worker; also measures how late this round is. */
  private void pingAll() {
    long now = System.nanoTime();
    worstPingGapMs.accumulateAndGet(TimeUnit.NANOSECONDS.toMillis(now - lastPingRound.getAndSet(now)), Math::max);
    for (VirtualWorker worker : simulated) {
      if (!worker.ping()) {
        leasesLost.incrementAndGet();
        System.out.println("WARNING: the collector closed the lease of live worker " + worker.instanceId());
      }
    }
  }

  private void killSimulated(ScheduledExecutorService ticks, ExecutorService verifiers, OtlpHttpSender sender,
      String host, int otlpPort, JobsApi api) throws Exception {
    VirtualWorker victim = simulated.get(simulatedRandom.nextInt(simulated.size()));
    simulated.remove(victim);
    List<String> running = victim.kill();
    ticking.remove(victim).cancel(false);
    record(new Kill(false, victim.instanceId(), running, Instant.now(), System.nanoTime()), verifiers, api);
    startSimulated(ticks, sender, host, otlpPort);
  }

  private void killReal(ExecutorService verifiers, Path agent, Path benchmarksJar, CollectorProcess collector,
      JobsApi api, Path workDir) throws Exception {
    List<RealWorker> candidates = new ArrayList<>(real);
    Collections.shuffle(candidates, realRandom);
    for (RealWorker victim : candidates) {
      if (victim.ageMillis() < 10_000 || !victim.isAlive()) {
        continue; // not settled yet: it may not have announced a run
      }
      List<String> running = new ArrayList<>();
      for (JsonNode job : api.jobs("RUNNING", victim.service(), 100)) {
        running.add(job.path("id").asText());
      }
      if (running.isEmpty()) {
        continue;
      }
      Instant killedAt = Instant.now();
      long killedNanos = System.nanoTime();
      victim.kill();
      real.remove(victim);
      record(new Kill(true, victim.service(), running, killedAt, killedNanos), verifiers, api);
      real.add(RealWorker.start(nextRealService(), agent, benchmarksJar, collector.otlpBaseUrl(), realHeartbeatInterval, workDir));
      return;
    }
    System.out.println("no real worker had a run in progress to kill this round");
  }

  private void record(Kill kill, ExecutorService verifiers, JobsApi api) {
    kills.add(kill);
    killedWorkers.add(kill);
    if (kill.jobIds().isEmpty()) {
      killsWithoutRuns.incrementAndGet();
      return;
    }
    verifiers.execute(guard(() -> verify(kill, api)));
  }

  /** Polls each of the kill's runs (bounded) until it is flagged or ended. */
  private void verify(Kill kill, JobsApi api) throws Exception {
    long deadline = kill.killedNanos() + TimeUnit.SECONDS.toNanos(verifyTimeoutSeconds);
    for (String id : kill.jobIds()) {
      Kill.Outcome outcome = Kill.Outcome.MISSED;
      JsonNode job = null;
      while (System.nanoTime() < deadline) {
        job = api.get("/api/jobs/" + id);
        String status = job.path("status").asText();
        if (status.equals("CRASHED")) {
          outcome = Kill.Outcome.CRASHED;
          latencies.add(new long[] {kill.real() ? 1 : 0, job.path("flag").path("detectionLatencyMs").asLong(-1),
              TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - kill.killedNanos())});
          break;
        }
        if (status.equals("COMPLETED") || status.equals("FAILED")) {
          outcome = Kill.Outcome.ENDED;
          break;
        }
        if (status.equals("LOST")) {
          outcome = Kill.Outcome.OTHER_FLAG;
          break;
        }
        TimeUnit.MILLISECONDS.sleep(50); // a client's polling period
      }
      outcomes.get(outcome).incrementAndGet();
      if (outcome == Kill.Outcome.MISSED || outcome == Kill.Outcome.OTHER_FLAG) {
        missed.add(id + " of " + kill.worker() + " (" + outcome + ", last seen " + job + ")");
      }
    }
  }

  private String sampleMemory(int minute, CollectorProcess collector, JobsApi api) {
    long rss = ProcessMemory.rssBytes(collector.pid());
    long[] heap = ProcessMemory.liveHeapBytes(collector.pid());
    String line = String.format("minute %2d: RSS %s, live heap after GC %s of %s committed, kills %d, load %s, false positives metric %s",
        minute, ProcessMemory.mib(rss), ProcessMemory.mib(heap[0]), ProcessMemory.mib(heap[1]), kills.size(),
        loadAverage(), falsePositivesMetric(api));
    System.out.println(line);
    return line;
  }

  private String report(JobsApi api, List<String> memory) throws IOException, InterruptedException {
    int flaggedWrongly = 0;
    int recoveredInApi = 0;
    List<String> wrong = new ArrayList<>();
    Set<String> seen = new HashSet<>();
    for (String status : WRONG_FLAGS) {
      for (JsonNode job : api.jobs(status, null, 10_000)) {
        if (!seen.add(job.path("id").asText())) {
          continue;
        }
        if (job.path("flaggedThenRecovered").asBoolean(false)) {
          recoveredInApi++;
        }
        if (!killedWorkers.flaggedRightly(job)) {
          flaggedWrongly++;
          if (wrong.size() < 10) {
            wrong.add(job.toString());
          }
        }
      }
    }
    StringBuilder out = new StringBuilder("\n=== Soak\n");
    long realKills = kills.stream().filter(Kill::real).count();
    out.append(String.format("kills: %d (%d simulated, %d real JVMs), %d of them with no run in progress%n",
        kills.size(), kills.size() - realKills, realKills, killsWithoutRuns.get()));
    out.append(String.format("runs of killed workers: %s%n", outcomes));
    out.append(String.format("false positives: %d runs flagged CRASHED/LOST without their worker having been killed first; "
        + "flaggedThenRecovered in the API: %d; jobpulse_false_positives_total: %s%n",
        flaggedWrongly, recoveredInApi, falsePositivesMetric(api)));
    out.append(String.format("flagged runs listed: %d; leases the collector closed on live workers: %d; failed ticks: %d; "
        + "worst gap between ping rounds: %d ms%n", seen.size(), leasesLost.get(), tickFailures.get(), worstPingGapMs.get()));
    for (int kind = 0; kind <= 1; kind++) {
      final int k = kind;
      out.append(String.format("detection latency, %s: flag.detectionLatencyMs %s | kill -> CRASHED in API (ms) %s%n",
          kind == 1 ? "real JVMs (kill -9)" : "simulated (lease closed)",
          pct(latencies.stream().filter(l -> l[0] == k).mapToLong(l -> l[1]).toArray()),
          pct(latencies.stream().filter(l -> l[0] == k).mapToLong(l -> l[2]).toArray())));
    }
    out.append("collector memory per minute:\n");
    memory.forEach(line -> out.append("  ").append(line).append('\n'));
    missed.stream().limit(20).forEach(m -> out.append("MISSED: ").append(m).append('\n'));
    wrong.forEach(w -> out.append("FALSE POSITIVE: ").append(w).append('\n'));
    clean = missed.isEmpty() && flaggedWrongly == 0 && recoveredInApi == 0 && leasesLost.get() == 0;
    out.append("verdict: ").append(clean ? "every kill flagged, no false positive" : "FAILED (see above)").append('\n');
    return out.toString();
  }

  private static String pct(long[] values) {
    Percentiles p = new Percentiles(values);
    return String.format("n=%d p50=%d p99=%d max=%d", p.count(), p.median(), p.at(0.99), p.max());
  }

  private static String falsePositivesMetric(JobsApi api) {
    try {
      Matcher m = FALSE_POSITIVES.matcher(api.getText("/metrics"));
      return m.find() ? m.group(1) : "absent";
    } catch (IOException e) {
      return "unavailable (" + e.getMessage() + ")";
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return "interrupted";
    }
  }

  private static String loadAverage() {
    try {
      String[] fields = Files.readString(Path.of("/proc/loadavg")).split(" ");
      return fields[0] + " " + fields[1] + " " + fields[2];
    } catch (IOException e) {
      return "n/a";
    }
  }

  /** A periodic task that reports its failure instead of silently cancelling its schedule. */
  private static Runnable guard(ThrowingRunnable task) {
    return () -> {
      try {
        task.run();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      } catch (Exception | AssertionError e) {
        System.out.println("WARNING: " + e);
      }
    };
  }

  private interface ThrowingRunnable {
    void run() throws Exception;
  }

  private static ThreadFactory daemon(String name) {
    AtomicInteger n = new AtomicInteger();
    return r -> {
      Thread t = new Thread(r, "soak-" + name + "-" + n.incrementAndGet());
      t.setDaemon(true);
      return t;
    };
  }
}
