package io.jobpulse.collector.detect;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jobpulse.collector.state.FlagType;
import io.jobpulse.collector.state.HistoryEntry;
import io.jobpulse.collector.state.Job;
import io.jobpulse.collector.state.JobStateMachine;
import io.jobpulse.collector.state.JobStatus;
import io.jobpulse.collector.state.SpanEvent;
import io.jobpulse.collector.state.SpanEvent.ActiveRun;
import io.jobpulse.collector.state.SpanEvent.Heartbeat;
import io.jobpulse.collector.state.SpanEvent.JobEnded;
import io.jobpulse.collector.state.SpanEvent.JobPending;
import io.jobpulse.collector.state.SpanEvent.JobStarted;
import io.jobpulse.collector.state.SpanEvent.RunAttributes;
import io.jobpulse.collector.state.WorkerIdentity;
import io.jobpulse.collector.state.WorkerState;
import io.jobpulse.collector.store.JobQuery;
import io.jobpulse.collector.store.JobStore;
import io.jobpulse.collector.testing.MutableClock;
import io.jobpulse.contract.JobMatcher;
import io.jobpulse.contract.JobOutcome;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The per-job-name flags on a real store, time moved by hand. */
class RunDetectorTest {

  private static final long T0 = 1_700_000_000_000L;
  private static final long INTERVAL = 1000;
  private static final long HOURS_2 = Duration.ofHours(2).toMillis();
  private static final WorkerIdentity WORKER = new WorkerIdentity("w-1", "billing", 42L, "host-a", "0.1.0");
  private static final String SLOW = "com.acme.reports.Monthly#run";
  private static final String FAST = "com.acme.Sync#pull";

  @TempDir Path dir;
  private final MutableClock clock = new MutableClock(T0);
  private JobStore store;
  private JobStateMachine machine;
  private RunDetector detector;

  @BeforeEach
  void open() {
    store = JobStore.open(dir);
    machine = new JobStateMachine(store, clock);
    detector = new RunDetector(machine, DetectionSettings.builder()
        .stallTimeout(Duration.ofSeconds(10))
        .queueTimeout(Duration.ofSeconds(30))
        .maxRuntime(Duration.ofMinutes(1))
        .rule(new JobRule(JobMatcher.parse("com.acme..*#run"), Duration.ofMinutes(5), Duration.ZERO, null))
        .build(), 3, T0);
  }

  @AfterEach
  void close() {
    store.close();
  }

  @Test
  void aRunLongerThanItsMaxRuntimeIsStuckByItsJobNamesRule() {
    apply(started("fast", FAST, T0), started("slow", SLOW, T0));
    beat(60_000, running("fast", 1, true), running("slow", 1, true));
    assertEquals(0, tick(), "exactly the max runtime is not over it");
    beat(1, running("fast", 2, true), running("slow", 2, true));
    assertEquals(1, tick());
    Job fast = job("fast");
    assertEquals(JobStatus.RUNNING, fast.status());
    assertEquals(FlagType.STUCK, fast.flag().type());
    assertEquals("running for 60001ms, longer than its max runtime of 1m", fast.flag().reason());
    assertEquals(1, fast.flag().detectionLatencyMs(), "measured from start + max runtime");
    assertEquals(JobStatus.RUNNING, job("slow").status());
    assertNull(job("slow").flag(), "its rule allows 5m");
    assertEquals(List.of("fast"), ids(new JobQuery("STUCK", null, null, 10)));
    assertEquals(2, ids(new JobQuery("RUNNING", null, null, 10)).size());

    beat(4 * 60_000, running("fast", 3, true), running("slow", 3, true));
    assertEquals(1, tick());
    assertEquals(FlagType.STUCK, job("slow").flag().type());
    assertEquals("running for 300001ms, longer than its max runtime of 5m", job("slow").flag().reason());

    apply(ended("fast", FAST, T0, clock.millis(), JobOutcome.COMPLETED));
    Job ended = job("fast");
    assertEquals(JobStatus.COMPLETED, ended.status());
    assertNull(ended.flag(), "a live flag ends with the run");
    assertTrue(details(ended).contains("STUCK cleared: the run ended"), details(ended).toString());
    assertEquals(List.of("slow"), ids(new JobQuery("STUCK", null, null, 10)));
  }

  @Test
  void noProgressForTheStallTimeoutIsStalledUntilProgressResumes() {
    apply(started("s", FAST, T0));
    beat(5_000, running("s", 4, true));
    beat(5_000, stuckAt("s", 4));
    beat(5_000, stuckAt("s", 4));
    assertEquals(0, tick(), "10 s since the last progress at 5 s: not yet 10 s past");
    beat(5_000, stuckAt("s", 4));
    assertEquals(1, tick());
    Job stalled = job("s");
    assertEquals(JobStatus.RUNNING, stalled.status());
    assertEquals(FlagType.STALLED, stalled.flag().type());
    assertEquals("no progress for 15s (4 items done, stack not moved; stall timeout 10s): thread worker-1 is WAITING "
        + "at com.acme.Sync.pull(Sync.java:42)", stalled.flag().reason());
    assertEquals(5_000, stalled.flag().detectionLatencyMs(), "from last progress + stall timeout");
    assertEquals(List.of("s"), ids(new JobQuery("STALLED", null, null, 10)));

    beat(1_000, running("s", 5, false));
    Job resumed = job("s");
    assertNull(resumed.flag());
    assertTrue(details(resumed).stream().anyMatch(d -> d.startsWith("STALLED: no progress")), "history keeps it");
    assertTrue(details(resumed).stream().anyMatch(d -> d.startsWith("STALLED cleared: progress resumed")));
    assertEquals(List.of(), ids(new JobQuery("STALLED", null, null, 10)));
  }

  @Test
  void aStallTimeoutTurnedOffByARuleNeverFlags() {
    apply(started("m", SLOW, T0));
    for (int i = 0; i < 10; i++) {
      beat(10_000, stuckAt("m", 0));
    }
    assertEquals(0, tick());
    assertNull(job("m").flag());
  }

  @Test
  void aRunTheAliveWorkerStopsListingIsLostAfterThreeHeartbeats() {
    apply(started("gone", FAST, T0), started("here", FAST, T0));
    beat(INTERVAL, running("gone", 1, true), running("here", 1, true));
    beat(INTERVAL, running("here", 2, true));
    beat(INTERVAL, running("here", 3, true));
    assertEquals(0, tick());
    assertEquals(2, job("gone").missedHeartbeats());
    beat(INTERVAL, running("here", 4, true));
    clock.advance(40);
    assertEquals(1, tick());
    Job lost = job("gone");
    assertEquals(JobStatus.LOST, lost.status());
    assertEquals(FlagType.LOST, lost.flag().type());
    assertEquals("worker w-1 is alive but its last 3 heartbeats did not list the run, and no end arrived",
        lost.flag().reason());
    assertEquals(40, lost.flag().detectionLatencyMs(), "from the heartbeat that made it three");
    assertEquals(JobStatus.RUNNING, job("here").status());
    assertEquals(List.of("here"), store.worker("w-1").orElseThrow().jobs());

    // The end was only late: reconciled, counted as a false positive.
    apply(ended("gone", FAST, T0, clock.millis(), JobOutcome.COMPLETED));
    Job late = job("gone");
    assertEquals(JobStatus.COMPLETED, late.status());
    assertEquals(FlagType.LOST, late.flag().type());
    assertTrue(late.flaggedThenRecovered());
    assertEquals(1, machine.falsePositives());
  }

  @Test
  void aQueuedRunIsPendingThenPendingTooLongThenClearedWhenItStarts() {
    // Announced at once here, after 100 ms of waiting.
    apply(new JobPending(WORKER, attrs("q", FAST), "trace-q", "q", T0 - 100, T0));
    Job pending = job("q");
    assertEquals(JobStatus.PENDING, pending.status());
    assertEquals(T0 - 100, pending.enqueuedAt());
    for (int i = 0; i < 30; i++) {
      pendingBeat("q");
    }
    assertEquals(1, tick(), "30.1 s since the enqueue, timeout 30 s");
    Job late = job("q");
    assertEquals(JobStatus.PENDING, late.status());
    assertEquals(FlagType.PENDING_TOO_LONG, late.flag().type());
    assertEquals(100, late.flag().detectionLatencyMs());
    assertEquals(0, late.missedHeartbeats(), "listed as pending: not missing");
    assertEquals(List.of("q"), ids(new JobQuery("PENDING_TOO_LONG", null, null, 10)));
    assertEquals(List.of("q"), ids(new JobQuery("PENDING", null, null, 10)));

    apply(new JobStarted(WORKER, new RunAttributes("q", FAST, null, null, 1, "worker-1", 0, null, null, 30_150L),
        "trace-q", "q", T0 + 30_050));
    Job started = job("q");
    assertEquals(JobStatus.RUNNING, started.status());
    assertNull(started.flag());
    assertEquals(30_150L, started.queueWaitMs());
    assertTrue(details(started).contains("PENDING_TOO_LONG cleared: the run started"), details(started).toString());
  }

  @Test
  void aRuntimeCountsOnTheCollectorsClockWhateverTheWorkersClockSays() {
    long behind = T0 - HOURS_2; // the worker's clock, two hours slow
    long ahead = T0 + HOURS_2;
    // Each had run 1 s by its worker's clock when announced; both announcements arrive now.
    apply(new JobStarted(WORKER, attrs("behind", FAST), "trace-b", "behind", behind - 1_000, behind),
        new JobStarted(WORKER, attrs("ahead", FAST), "trace-a", "ahead", ahead - 1_000, ahead));
    assertEquals(T0 - 1_000, job("behind").runningSince());
    assertEquals(T0 - 1_000, job("ahead").runningSince());
    assertEquals(behind - 1_000, job("behind").startedAt(), "shown as the worker said");

    beat(58_000, running("behind", 1, true), running("ahead", 1, true));
    assertEquals(0, tick(), "59 s of a 1 m max runtime, however slow the worker's clock");
    beat(1_001, running("behind", 2, true), running("ahead", 2, true));
    assertEquals(2, tick(), "and however fast");
    for (String id : List.of("behind", "ahead")) {
      assertEquals("running for 60001ms, longer than its max runtime of 1m", job(id).flag().reason());
      assertEquals(1, job(id).flag().detectionLatencyMs());
    }
  }

  @Test
  void aWaitCountsOnTheCollectorsClockWhateverTheWorkersClockSays() {
    long behind = T0 - HOURS_2;
    apply(new JobPending(WORKER, attrs("q", FAST), "trace-q", "q", behind - 500, behind));
    for (int i = 0; i < 29; i++) {
      pendingBeat("q");
    }
    assertEquals(0, tick(), "29.5 s of a 30 s queue timeout");
    pendingBeat("q");
    assertEquals(1, tick());
    assertEquals(FlagType.PENDING_TOO_LONG, job("q").flag().type());
    assertEquals(500, job("q").flag().detectionLatencyMs());
  }

  @Test
  void aDeadWorkersPendingRunsCrashToo() {
    apply(new JobPending(WORKER, attrs("p", FAST), "trace-p", "p", T0));
    pendingBeat("p");
    List<String> crashed = machine.declareDead("w-1", "lease closed", clock.millis());
    assertEquals(List.of("p"), crashed);
    assertEquals(JobStatus.CRASHED, job("p").status());
    assertEquals(WorkerState.DEAD, store.worker("w-1").orElseThrow().state());
  }

  @Test
  void afterARestartNothingIsFlaggedBeforeOneHeartbeatTimeout() {
    apply(started("r", FAST, T0));
    beat(INTERVAL, running("r", 1, true));
    store.close();
    clock.advance(120_000); // down for two minutes: the run is over its max runtime now
    store = JobStore.open(dir);
    machine = new JobStateMachine(store, clock);
    long restartedAt = clock.millis();
    detector = new RunDetector(machine, DetectionSettings.builder().maxRuntime(Duration.ofMinutes(1)).build(), 3,
        restartedAt);
    clock.advance(3 * INTERVAL);
    assertEquals(0, tick());
    clock.advance(1);
    assertEquals(1, tick());
    assertEquals(FlagType.STUCK, job("r").flag().type());
  }

  @Test
  void aTickLooksOnlyAtWhatIsDueAndEachLiveRunIsScheduledOnce() {
    for (int i = 0; i < 50; i++) {
      apply(started("run-" + i, FAST, T0));
    }
    for (int i = 0; i < 50; i++) {
      apply(ended("done-" + i, FAST, T0, T0 + 1, JobOutcome.COMPLETED));
    }
    beat(INTERVAL);
    assertEquals(50, detector.scheduled(), "one entry per live run, none for runs that are over");
    apply(ended("run-0", FAST, T0, clock.millis(), JobOutcome.COMPLETED));
    assertEquals(49, detector.scheduled());
    assertFalse(machine.liveJobs().isEmpty());
  }

  private int tick() {
    return detector.tick(machine, clock.millis());
  }

  private void apply(SpanEvent... events) {
    machine.apply(List.of(events), clock.millis());
  }

  /** Moves the clock by {@code advanceMs} and delivers one heartbeat listing {@code runs}. */
  private void beat(long advanceMs, ActiveRun... runs) {
    clock.advance(advanceMs);
    machine.apply(List.of(new Heartbeat(WORKER, INTERVAL, List.of(runs).stream().map(ActiveRun::id).toList(),
        List.of(runs), List.of())), clock.millis());
  }

  private void pendingBeat(String... pending) {
    clock.advance(INTERVAL);
    machine.apply(List.of(new Heartbeat(WORKER, INTERVAL, List.of(), List.of(), List.of(), List.of(pending), 0L)),
        clock.millis());
  }

  private Job job(String id) {
    return store.job(id).orElseThrow();
  }

  private List<String> ids(JobQuery query) {
    return store.jobs(query).stream().map(Job::id).toList();
  }

  private static List<String> details(Job job) {
    return job.history().stream().map(HistoryEntry::detail).toList();
  }

  private static RunAttributes attrs(String id, String name) {
    return new RunAttributes(id, name, null, null, 1, "worker-1", 0, null);
  }

  private static JobStarted started(String id, String name, long startedAt) {
    return new JobStarted(WORKER, attrs(id, name), "trace-" + id, id, startedAt);
  }

  private static JobEnded ended(String id, String name, long startedAt, long endedAt, JobOutcome outcome) {
    return new JobEnded(WORKER, attrs(id, name), "trace-" + id, id, startedAt, endedAt, outcome, null, null);
  }

  private static ActiveRun running(String id, long done, boolean stackMoved) {
    return new ActiveRun(id, null, done, null, "worker-1", "RUNNABLE", stackMoved, "com.acme.Sync.pull(Sync.java:40)");
  }

  private static ActiveRun stuckAt(String id, long done) {
    return new ActiveRun(id, null, done, null, "worker-1", "WAITING", false, "com.acme.Sync.pull(Sync.java:42)");
  }
}
