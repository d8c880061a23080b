package io.jobpulse.benchmarks.ingest;

import io.jobpulse.benchmarks.common.WorkDirectory;
import io.jobpulse.collector.detect.DetectionSettings;
import io.jobpulse.collector.detect.RunDetector;
import io.jobpulse.collector.health.HealthAggregator;
import io.jobpulse.collector.metrics.CollectorMetrics;
import io.jobpulse.collector.state.JobError;
import io.jobpulse.collector.state.JobStateMachine;
import io.jobpulse.collector.state.ReceivedSpans;
import io.jobpulse.collector.state.SpanEvent;
import io.jobpulse.collector.state.SpanEvent.ActiveRun;
import io.jobpulse.collector.state.SpanEvent.RunAttributes;
import io.jobpulse.collector.state.WorkerIdentity;
import io.jobpulse.collector.store.JobStore;
import io.jobpulse.contract.JobOutcome;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.UUID;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * The collector's ingest thread on its own: CPU time per span of applying {@link IngestLoad}'s span
 * mix to a real {@link JobStateMachine} on a real {@link JobStore} (in a temporary directory), in
 * this process, with no HTTP, no OTLP decoding and no queue in between.
 *
 * <p>Why: every state change and every store write of the collector happens on its one ingest
 * thread, so that thread's cost per span bounds the rate {@code IngestLoad} can reach; in a whole
 * collector it is hard to tell apart from the network, decoding and GC threads. A thread's own CPU
 * time ({@link ThreadMXBean#getCurrentThreadCpuTime()}) is also disturbed far less by a busy
 * machine than wall time is: a thread that waits for a core is not charged for the wait.
 *
 * <p>The mix is {@code IngestLoad}'s default, per simulated worker tick: 5 of the worker's 20 runs
 * in progress end and 5 new ones start, 50 short runs start and end, and one heartbeat lists the
 * runs in progress; 5% of the runs fail. Each tick is 111 spans, and each span is one
 * {@link SpanEvent} (a heartbeat's listed runs are events of its one span). Run ids are
 * time-ordered like the agent's (the epoch millisecond of their start, then a random span id), so
 * the store's keys for new runs are close to each other, as the agent's are. The state machine has
 * the listeners of a collector without forwarding or alerts ({@link HealthAggregator},
 * {@link CollectorMetrics}, {@link RunDetector}; not the lease registry), and no detector ticks
 * run. It is fed with {@link JobStateMachine#applyAll}, one transaction per group of 4 requests of
 * 4 workers' ticks, like the collector's group commit under {@code IngestLoad}'s defaults.
 *
 * <p>The events are built on the measured thread too, just before each group is applied; the
 * report gives the thread's CPU time in all and the part spent in {@code applyAll}. The process's
 * CPU time (GC, RocksDB's background threads) and the wall time are given alongside. A measuring
 * program, not a test: it asserts nothing about the figures.
 *
 * <p>{@code benchmarks.jar} leaves RocksDB out, so the collector's jar goes on the class path too.
 * The heap is touched whole at start: a heap growing during the measurement charged the thread
 * up to 6% in page faults in one run and nothing in the next.
 *
 * <pre>
 * java -XX:+UseParallelGC -Xmx3g -Xms3g -XX:+AlwaysPreTouch \
 *      -cp collector/target/jobpulse-collector.jar:benchmarks/target/benchmarks.jar \
 *      io.jobpulse.benchmarks.ingest.IngestThreadProbe
 * </pre>
 *
 * <p>To compare two builds, start one probe per build at the same time (BENCHMARKS.md §3): run one
 * after the other, the machine's drift decides which is faster.
 */
@Command(name = "IngestThreadProbe", mixinStandardHelpOptions = true,
    description = "CPU time per span of the collector's ingest thread (state machine and store), in-process")
public final class IngestThreadProbe implements Callable<Integer> {

  /** Runs each worker has in progress, each listed by its heartbeats. */
  private static final int RUNS_IN_PROGRESS = 20;
  /** Runs in progress that end, and new ones that start, per tick. */
  private static final int ROTATED_RUNS = 5;
  /** Runs that start and end within a tick. */
  private static final int SHORT_RUNS = 50;
  private static final double FAILURE_RATE = 0.05;
  private static final long HEARTBEAT_INTERVAL_MS = 60_000;
  private static final int JOB_NAMES = 50;
  private static final int THREADS_PER_WORKER = 16;

  /** {@code IngestLoad}'s default: each request carries 4 workers' ticks. */
  private static final int TICKS_PER_REQUEST = 4;
  /**
   * {@code IngestLoad}'s 4 connections each have one request in flight, so the ingest loop finds
   * at most 4 queued when it takes a group for one transaction.
   */
  private static final int REQUESTS_PER_GROUP = 4;

  @Option(names = "--spans", description = "spans to apply in all, warm-up included (default: ${DEFAULT-VALUE})")
  long spans = 3_000_000;

  @Option(names = "--warmup-spans",
      description = "spans applied first and left out of the figures, for the JIT and the store (default: ${DEFAULT-VALUE})")
  long warmupSpans = 1_000_000;

  @Option(names = "--workers", description = "simulated worker JVMs, ticked in turn (default: ${DEFAULT-VALUE})")
  int workers = 5_000;

  @Option(names = "--services", description = "service names the workers are spread over (default: ${DEFAULT-VALUE})")
  int services = 100;

  @Spec
  CommandSpec spec;

  public static void main(String[] args) {
    System.exit(new CommandLine(new IngestThreadProbe()).execute(args));
  }

  @Override
  public Integer call() throws Exception {
    if (workers < 1 || services < 1 || warmupSpans < 0 || spans <= warmupSpans) {
      throw new ParameterException(spec.commandLine(),
          "need --workers >= 1, --services >= 1 and 0 <= --warmup-spans < --spans");
    }
    try {
      Class.forName("org.rocksdb.RocksDB");
    } catch (ClassNotFoundException e) {
      System.err.println("RocksDB is not on the class path (benchmarks.jar leaves it out): "
          + "add collector/target/jobpulse-collector.jar to -cp");
      return 2;
    }
    System.out.printf("%,d workers of %d services, %d spans a worker tick, %d requests of %d ticks a group;"
            + " %,d spans, the first %,d of them warm-up%n",
        workers, services, 2 * ROTATED_RUNS + 2 * SHORT_RUNS + 1, REQUESTS_PER_GROUP, TICKS_PER_REQUEST, spans,
        warmupSpans);

    Path storeDir = WorkDirectory.create("jobpulse-ingest-thread");
    try (JobStore store = JobStore.open(storeDir)) {
      Clock clock = Clock.systemUTC();
      JobStateMachine stateMachine = new JobStateMachine(store, clock);
      stateMachine.addListener(new HealthAggregator(store, clock));
      stateMachine.addListener(new CollectorMetrics(store));
      new RunDetector(stateMachine, DetectionSettings.defaults(), 3, clock.millis()); // adds itself as a listener
      run(stateMachine, clock, simulatedWorkers());
    }
    return 0;
  }

  private SimulatedWorker[] simulatedWorkers() {
    SplittableRandom seeds = new SplittableRandom(1);
    SimulatedWorker[] simulated = new SimulatedWorker[workers];
    for (int i = 0; i < workers; i++) {
      simulated[i] = new SimulatedWorker(seeds.split(), "svc-" + (i % services));
    }
    return simulated;
  }

  private void run(JobStateMachine stateMachine, Clock clock, SimulatedWorker[] simulated) {
    ThreadMXBean thread = ManagementFactory.getThreadMXBean();
    com.sun.management.ThreadMXBean allocation = (com.sun.management.ThreadMXBean) thread;
    com.sun.management.OperatingSystemMXBean process =
        (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
    boolean measuring = false;
    long threadCpuAtStart = 0;
    long processCpuAtStart = 0;
    long wallAtStart = 0;
    long spansAtStart = 0;
    long applyingCpu = 0;
    long applyingBytes = 0;
    long applied = 0;
    int nextWorker = 0;
    while (applied < spans) {
      // The figures start at a group's boundary, the first one past the warm-up.
      if (!measuring && applied >= warmupSpans) {
        measuring = true;
        threadCpuAtStart = thread.getCurrentThreadCpuTime();
        processCpuAtStart = process.getProcessCpuTime();
        wallAtStart = System.nanoTime();
        spansAtStart = applied;
      }
      List<ReceivedSpans> group = new ArrayList<>(REQUESTS_PER_GROUP);
      for (int r = 0; r < REQUESTS_PER_GROUP; r++) {
        List<SpanEvent> events = new ArrayList<>();
        for (int t = 0; t < TICKS_PER_REQUEST; t++) {
          simulated[nextWorker].tick(events, clock.millis());
          nextWorker = (nextWorker + 1) % simulated.length;
        }
        applied += events.size(); // one event per span
        group.add(new ReceivedSpans(events, clock.millis()));
      }
      long beforeApplying = measuring ? thread.getCurrentThreadCpuTime() : 0;
      long bytesBeforeApplying = measuring ? allocation.getCurrentThreadAllocatedBytes() : 0;
      stateMachine.applyAll(group);
      if (measuring) {
        applyingCpu += thread.getCurrentThreadCpuTime() - beforeApplying;
        applyingBytes += allocation.getCurrentThreadAllocatedBytes() - bytesBeforeApplying;
      }
    }
    long threadCpu = thread.getCurrentThreadCpuTime() - threadCpuAtStart;
    long processCpu = process.getProcessCpuTime() - processCpuAtStart;
    long wall = System.nanoTime() - wallAtStart;
    long measured = applied - spansAtStart;

    System.out.printf("measured %,d spans after %,d of warm-up%n", measured, spansAtStart);
    System.out.printf("ingest thread CPU %.2f us/span: applying (applyAll) %.2f us, building the events %.2f us%n",
        microsPerSpan(threadCpu, measured), microsPerSpan(applyingCpu, measured),
        microsPerSpan(threadCpu - applyingCpu, measured));
    // Unlike the times, the same on a slow machine as on a fast one: two builds compare by it in one run each.
    System.out.printf("ingest thread heap allocation in applyAll %,d bytes/span%n", applyingBytes / measured);
    System.out.printf("process CPU %.2f us/span (all threads: GC, RocksDB's background work)%n",
        microsPerSpan(processCpu, measured));
    System.out.printf("wall %.1f s, %.2f us/span, %,d spans/s%n",
        wall / 1e9, microsPerSpan(wall, measured), Math.round(measured * 1e9 / wall));
  }

  private static double microsPerSpan(long nanos, long spanCount) {
    return nanos / 1e3 / spanCount;
  }

  /**
   * One simulated JVM under the agent: its identity, its runs in progress and the events its spans
   * decode to. The same seed gives the same mix, and the same ids but for their time prefix.
   */
  private static final class SimulatedWorker {

    private final SplittableRandom random;
    private final WorkerIdentity identity;
    private final ArrayDeque<RunAttributes> inProgress = new ArrayDeque<>();

    SimulatedWorker(SplittableRandom random, String service) {
      this.random = random;
      this.identity = new WorkerIdentity(new UUID(random.nextLong(), random.nextLong()).toString(), service, 1234L,
          "h", "1");
      for (int i = 0; i < RUNS_IN_PROGRESS; i++) {
        inProgress.add(newRun());
      }
    }

    /** One tick's events: the oldest runs in progress end, new ones start, short runs, a heartbeat. */
    void tick(List<SpanEvent> out, long now) {
      for (int i = 0; i < ROTATED_RUNS; i++) {
        out.add(ended(inProgress.pollFirst(), now));
      }
      for (int i = 0; i < ROTATED_RUNS; i++) {
        RunAttributes run = newRun();
        inProgress.addLast(run);
        out.add(new SpanEvent.JobStarted(identity, run, randomHex(32), randomHex(16), now - 150));
      }
      for (int i = 0; i < SHORT_RUNS; i++) {
        RunAttributes run = newRun();
        out.add(new SpanEvent.JobStarted(identity, run, randomHex(32), randomHex(16), now - 350));
        out.add(ended(run, now));
      }
      List<String> ids = new ArrayList<>(inProgress.size());
      List<ActiveRun> listed = new ArrayList<>(inProgress.size());
      for (RunAttributes run : inProgress) {
        ids.add(run.id());
        listed.add(new ActiveRun(run.id(), run.name(), random.nextInt(1000), 1000L, run.threadName(), "RUNNABLE",
            true, null));
      }
      out.add(new SpanEvent.Heartbeat(identity, HEARTBEAT_INTERVAL_MS, ids, listed, List.of()));
    }

    /**
     * A new run, with an id made as the agent makes it: time-ordered, 12 hex digits of the current
     * epoch millisecond, then 16 random ones (the agent's are the run's span id).
     */
    private RunAttributes newRun() {
      long millis = System.currentTimeMillis();
      char[] id = new char[28];
      for (int i = 11; i >= 0; i--, millis >>>= 4) {
        id[i] = Character.forDigit((int) (millis & 0xf), 16);
      }
      for (int i = 12; i < id.length; i++) {
        id[i] = Character.forDigit(random.nextInt(16), 16);
      }
      String name = "com.acme.jobs.Job" + random.nextInt(JOB_NAMES) + "#run";
      String threadName = "worker-" + random.nextInt(THREADS_PER_WORKER);
      return new RunAttributes(new String(id), name, null, null, 1, threadName, 0, 1000L);
    }

    private SpanEvent ended(RunAttributes run, long now) {
      boolean failed = random.nextDouble() < FAILURE_RATE;
      return new SpanEvent.JobEnded(identity, run, randomHex(32), randomHex(16), now - 500, now,
          failed ? JobOutcome.FAILED : JobOutcome.COMPLETED,
          failed ? new JobError("java.lang.IllegalStateException", "boom", "UNKNOWN") : null, null);
    }

    /** Lower-case hex digits, as trace and span ids are written. */
    private String randomHex(int digits) {
      char[] chars = new char[digits];
      for (int i = 0; i < digits; i++) {
        chars[i] = Character.forDigit(random.nextInt(16), 16);
      }
      return new String(chars);
    }
  }
}
