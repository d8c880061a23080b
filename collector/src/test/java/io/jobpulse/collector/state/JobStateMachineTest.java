package io.jobpulse.collector.state;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jobpulse.collector.detect.HeartbeatDetector;
import io.jobpulse.collector.state.SpanEvent.ActiveRun;
import io.jobpulse.collector.state.SpanEvent.Heartbeat;
import io.jobpulse.collector.state.SpanEvent.JobEnded;
import io.jobpulse.collector.state.SpanEvent.JobStarted;
import io.jobpulse.collector.state.SpanEvent.RunAttributes;
import io.jobpulse.collector.state.SpanEvent.RunSummary;
import io.jobpulse.collector.state.SpanEvent.WorkerStopped;
import io.jobpulse.collector.store.JobQuery;
import io.jobpulse.collector.store.JobStore;
import io.jobpulse.collector.testing.MutableClock;
import io.jobpulse.contract.JobOutcome;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class JobStateMachineTest {

  private static final long T0 = 1_700_000_000_000L;
  private static final WorkerIdentity WORKER = new WorkerIdentity("w-1", "billing", 42L, "host-a", "0.1.0");

  @TempDir Path dir;
  private final MutableClock clock = new MutableClock(T0);
  private JobStore store;
  private JobStateMachine machine;

  @BeforeEach
  void open() {
    store = JobStore.open(dir);
    machine = new JobStateMachine(store, clock);
  }

  @AfterEach
  void close() {
    store.close();
  }

  @Test
  void startThenCompleteKeepsTheRunsIdentityAndTiming() {
    machine.apply(List.of(started("a1", T0 - 500)), T0);
    Job running = store.job("a1").orElseThrow();
    assertEquals(JobStatus.RUNNING, running.status());
    assertEquals("trace-a1", running.traceId());
    assertEquals("a1", running.spanId());
    assertEquals("billing", running.service());
    assertEquals("w-1", running.worker());
    assertEquals(List.of("a1"), store.worker("w-1").orElseThrow().jobs());

    machine.apply(List.of(ended("a1", T0 - 500, T0 + 1500, JobOutcome.COMPLETED, null)), T0 + 1600);
    Job done = store.job("a1").orElseThrow();
    assertEquals(JobStatus.COMPLETED, done.status());
    assertEquals(2000L, done.durationMs());
    assertEquals(7, done.progressDone());
    assertNull(done.flag());
    assertEquals(List.of("RUNNING", "COMPLETED"), done.history().stream().map(HistoryEntry::status).toList());
    assertEquals(List.of(), store.worker("w-1").orElseThrow().jobs());
  }

  @Test
  void anEndForAnUnknownRunCreatesItInItsFinalState() {
    JobError error = new JobError("java.net.SocketTimeoutException", "read timed out", "timeout");
    machine.apply(List.of(ended("f1", T0, T0 + 20, JobOutcome.FAILED, error)), T0 + 30);
    Job failed = store.job("f1").orElseThrow();
    assertEquals(JobStatus.FAILED, failed.status());
    assertEquals(error, failed.error());
    assertEquals(T0, failed.startedAt());
    assertEquals(1, store.jobs(new JobQuery("FAILED", null, null, 10)).size());
    assertEquals(0, store.jobs(new JobQuery("RUNNING", null, null, 10)).size());
  }

  @Test
  void startAndEndInOneRequestEndTheRunWhateverTheirOrder() {
    machine.apply(List.of(ended("x", T0, T0 + 300, JobOutcome.COMPLETED, null), started("x", T0)), T0 + 400);
    assertEquals(JobStatus.COMPLETED, store.job("x").orElseThrow().status());
  }

  @Test
  void heartbeatUpdatesProgressAndAdoptsUnknownRuns() {
    machine.apply(List.of(started("h1", T0)), T0);
    machine.apply(List.of(heartbeat(500, active("h1", 40, 100L), active("h2", 3, null))), T0 + 500);
    Job h1 = machine.currentRuns().job("h1").orElseThrow();
    assertEquals(40, h1.progressDone());
    assertEquals(100L, h1.progressTotal());
    assertEquals("TIMED_WAITING", h1.threadState());
    assertEquals(T0 + 500, h1.lastSeenAt());
    Job h2 = store.job("h2").orElseThrow();
    assertEquals(JobStatus.RUNNING, h2.status());
    assertEquals("com.acme.Job#h2", h2.name());
    Worker worker = store.worker("w-1").orElseThrow();
    assertEquals(T0 + 500, worker.lastHeartbeatAt());
    assertEquals(500, worker.intervalMs());
    assertEquals(List.of("h1", "h2"), worker.jobs());
  }

  @Test
  void aHeartbeatThatMovesOnlyHeartbeatFieldsIsWrittenBehindAndReadersSeeItAtOnce() {
    machine.apply(List.of(started("b1", T0)), T0);
    clock.advance(500);
    machine.apply(List.of(heartbeat(500, active("b1", 40, 100L))), T0 + 500);

    assertEquals(0, store.job("b1").orElseThrow().progressDone(), "not rewritten for a heartbeat");
    Job current = machine.currentRuns().job("b1").orElseThrow();
    assertEquals(40, current.progressDone());
    assertEquals(T0 + 500, current.lastSeenAt());
    assertEquals(40, machine.currentRuns().jobs(new JobQuery("RUNNING", null, null, 10)).get(0).progressDone());
    assertEquals(1, machine.currentRuns().unwrittenCount());

    // Listed by every heartbeat, it is still written once its change has waited long enough.
    clock.advance(JobStateMachine.WRITE_BEHIND_MS);
    machine.apply(List.of(heartbeat(500, active("b1", 55, 100L))), clock.millis());
    assertEquals(55, store.job("b1").orElseThrow().progressDone());
    assertEquals(0, machine.currentRuns().unwrittenCount());
  }

  @Test
  void heartbeatsAfterAWriteBehindShowOnTopOfTheWrittenRecordUntilTheRunEnds() {
    machine.apply(List.of(started("b5", T0)), T0);
    machine.apply(List.of(heartbeat(500, active("b5", 10, 100L))), T0 + 500);
    clock.advance(500 + JobStateMachine.WRITE_BEHIND_MS);
    machine.apply(List.of(heartbeat(500, active("b5", 20, 100L))), clock.millis());
    assertEquals(20, store.job("b5").orElseThrow().progressDone(), "written behind");
    assertEquals(0, machine.currentRuns().unwrittenCount());

    clock.advance(500);
    machine.apply(List.of(heartbeat(500, active("b5", 30, 100L))), clock.millis());
    assertEquals(20, store.job("b5").orElseThrow().progressDone());
    assertEquals(30, machine.currentRuns().job("b5").orElseThrow().progressDone());
    assertEquals(30, machine.liveJob("b5").progressDone(), "what the detector judges");
    assertEquals(clock.millis(), machine.liveJob("b5").lastSeenAt());
    assertEquals(1, machine.currentRuns().unwrittenCount());

    machine.apply(List.of(ended("b5", T0, clock.millis(), JobOutcome.COMPLETED, null)), clock.millis());
    Job ended = machine.currentRuns().job("b5").orElseThrow();
    assertEquals(JobStatus.COMPLETED, ended.status());
    assertEquals(7, ended.progressDone(), "the end's own count, not a heartbeat's");
    assertNull(machine.liveJob("b5"));
    assertEquals(0, machine.currentRuns().unwrittenCount());
  }

  @Test
  void aRunWaitingToBeWrittenIsWrittenByAnotherRequestOnceDue() {
    machine.apply(List.of(started("b2", T0)), T0);
    machine.apply(List.of(heartbeat(500, active("b2", 12, null))), T0 + 500);
    clock.advance(500 + JobStateMachine.WRITE_BEHIND_MS);
    machine.apply(List.of(started("other", clock.millis())), clock.millis());

    assertEquals(12, store.job("b2").orElseThrow().progressDone());
    assertEquals(T0 + 500, store.job("b2").orElseThrow().lastSeenAt());
  }

  @Test
  void anyOtherChangeWritesTheHeartbeatFieldsHeldBack() {
    machine.apply(List.of(started("b3", T0)), T0);
    machine.apply(List.of(heartbeat(500, active("b3", 30, null))), T0 + 500);
    assertTrue(machine.raiseFlag("b3", new Flag(FlagType.STUCK, "too long", T0 + 600, 0)));

    Job stored = store.job("b3").orElseThrow();
    assertEquals(FlagType.STUCK, stored.flag().type());
    assertEquals(30, stored.progressDone());
    assertEquals(T0 + 500, stored.lastSeenAt());
    assertEquals(FlagType.STUCK, machine.currentRuns().job("b3").orElseThrow().flag().type(), "never the older version");
    assertEquals(0, machine.currentRuns().unwrittenCount());
  }

  @Test
  void aGracefulStopWritesWhatWasHeldBackAndARestartStartsFromIt() {
    machine.apply(List.of(started("b4", T0)), T0);
    machine.apply(List.of(heartbeat(500, active("b4", 77, 100L))), T0 + 500);
    machine.writeUnwritten();

    assertEquals(77, store.job("b4").orElseThrow().progressDone());
    JobStateMachine restarted = new JobStateMachine(store, clock);
    assertEquals(77, restarted.liveJob("b4").progressDone());
    assertEquals(T0 + 500, restarted.liveJob("b4").lastSeenAt());
  }

  @Test
  void aKilledCollectorReplaysEachWorkersLastHeartbeatOntoTheRunsNotWrittenSince() {
    WorkerIdentity other = new WorkerIdentity("w-2", "billing", 43L, "host-b", "0.1.0");
    machine.apply(List.of(started("k1", T0), new JobStarted(other, run("k2", 0), "trace-k2", "k2", T0)), T0);
    machine.apply(List.of(heartbeat(500, active("k1", 10, null)),
        new Heartbeat(other, 500, List.of("k2"), List.of(active("k2", 10, null)), List.of())), T0 + 500);
    // k2 is then written for real (its STALLED flag cleared by progress) by a heartbeat that holds nothing back.
    assertTrue(machine.raiseFlag("k2", new Flag(FlagType.STALLED, "no progress", T0 + 600, 0)));
    machine.apply(List.of(new Heartbeat(other, 500, List.of("k2"), List.of(active("k2", 25, null)), List.of())),
        T0 + 1000);
    assertEquals(0, store.job("k1").orElseThrow().progressDone(), "held back");
    assertEquals(25, store.job("k2").orElseThrow().progressDone());

    // No writeUnwritten(): the collector was killed.
    JobStateMachine restarted = new JobStateMachine(store, clock);

    assertEquals(10, restarted.liveJob("k1").progressDone());
    assertEquals(T0 + 500, restarted.liveJob("k1").lastSeenAt());
    assertEquals(10, store.job("k1").orElseThrow().progressDone(), "written at start-up");
    assertEquals(25, restarted.liveJob("k2").progressDone(), "an older heartbeat is not applied again");
    assertEquals(T0 + 1000, restarted.liveJob("k2").lastSeenAt());
  }

  @Test
  void summariesAccumulatePerJobName() {
    machine.apply(List.of(new Heartbeat(WORKER, 500, List.of(), List.of(),
        List.of(new RunSummary("com.acme.Fast#run", 10, 50, 9)))), T0);
    machine.apply(List.of(new Heartbeat(WORKER, 500, List.of(), List.of(),
        List.of(new RunSummary("com.acme.Fast#run", 5, 30, 12)))), T0 + 500);
    assertEquals(15, store.runTotals().get("com.acme.Fast#run").count());
    assertEquals(80, store.runTotals().get("com.acme.Fast#run").totalMs());
    assertEquals(12, store.runTotals().get("com.acme.Fast#run").maxMs());
  }

  @Test
  void gracefulStopAbandonsTheRunsStillRunning() {
    machine.apply(List.of(started("s1", T0), started("s2", T0)), T0);
    machine.apply(List.of(new WorkerStopped(WORKER, List.of("s1"))), T0 + 100);
    for (String id : List.of("s1", "s2")) {
      Job job = store.job(id).orElseThrow();
      assertEquals(JobStatus.ABANDONED, job.status());
      assertEquals(FlagType.ABANDONED, job.flag().type());
    }
    Worker worker = store.worker("w-1").orElseThrow();
    assertEquals(WorkerState.STOPPED, worker.state());
    assertTrue(machine.aliveWorkers().isEmpty());
  }

  @Test
  void detectorFlagsTheRunsOfASilentWorkerCrashed() {
    HeartbeatDetector detector = new HeartbeatDetector(3, T0);
    machine.apply(List.of(started("c1", T0), heartbeat(500, active("c1", 1, null))), T0);
    clock.advance(1500);
    assertEquals(0, detector.tick(machine, clock.millis()), "exactly 3 intervals is not overdue yet");
    clock.advance(34);
    assertEquals(1, detector.tick(machine, clock.millis()));
    Job crashed = store.job("c1").orElseThrow();
    assertEquals(JobStatus.CRASHED, crashed.status());
    assertEquals("no heartbeat from worker w-1 for 1534 ms (3 missed × 500 ms)", crashed.flag().reason());
    assertEquals(1534, crashed.flag().detectionLatencyMs());
    assertEquals(T0 + 1534, crashed.flag().flaggedAt());
    assertEquals(WorkerState.DEAD, store.worker("w-1").orElseThrow().state());
    assertEquals(0, detector.tick(machine, clock.millis() + 10_000), "a dead worker is flagged once");
  }

  @Test
  void afterARestartNothingIsFlaggedBeforeOneFullTimeout() {
    machine.apply(List.of(started("r1", T0), heartbeat(500, active("r1", 1, null))), T0);
    store.close();
    clock.advance(60_000); // the collector was down for a minute
    store = JobStore.open(dir);
    machine = new JobStateMachine(store, clock);
    HeartbeatDetector detector = new HeartbeatDetector(3, clock.millis());
    assertEquals(0, detector.tick(machine, clock.millis() + 1500));
    assertEquals(JobStatus.RUNNING, store.job("r1").orElseThrow().status());
    assertEquals(1, detector.tick(machine, clock.millis() + 1501));
    assertEquals(JobStatus.CRASHED, store.job("r1").orElseThrow().status());
  }

  @Test
  void aLateEndAfterACrashFlagIsReconciled() {
    HeartbeatDetector detector = new HeartbeatDetector(3, T0);
    machine.apply(List.of(started("l1", T0), heartbeat(200, active("l1", 1, null))), T0);
    clock.advance(700);
    detector.tick(machine, clock.millis());
    assertEquals(JobStatus.CRASHED, store.job("l1").orElseThrow().status());

    machine.apply(List.of(ended("l1", T0, T0 + 900, JobOutcome.COMPLETED, null)), clock.millis());
    Job reconciled = store.job("l1").orElseThrow();
    assertEquals(JobStatus.COMPLETED, reconciled.status());
    assertEquals(FlagType.CRASHED, reconciled.flag().type());
    assertTrue(reconciled.flaggedThenRecovered());
    assertEquals(1, machine.falsePositives());
    assertEquals(1, store.counter(JobStateMachine.FALSE_POSITIVES));
    assertEquals(WorkerState.ALIVE, store.worker("w-1").orElseThrow().state(), "a span proves the worker alive");
    // ?status=CRASHED still finds it by its flag; ?status=COMPLETED by its status.
    assertEquals(1, store.jobs(new JobQuery("CRASHED", null, null, 10)).size());
    assertEquals(1, store.jobs(new JobQuery("COMPLETED", null, null, 10)).size());
  }

  @Test
  void aHeartbeatListingACrashedRunRevivesIt() {
    HeartbeatDetector detector = new HeartbeatDetector(3, T0);
    machine.apply(List.of(started("v1", T0), heartbeat(200, active("v1", 1, null))), T0);
    detector.tick(machine, T0 + 700);
    machine.apply(List.of(heartbeat(200, active("v1", 2, null))), T0 + 800);
    Job revived = store.job("v1").orElseThrow();
    assertEquals(JobStatus.RUNNING, revived.status());
    assertTrue(revived.flaggedThenRecovered());
    assertEquals(1, machine.falsePositives());
  }

  @Test
  void aDuplicateEndChangesNothing() {
    machine.apply(List.of(ended("d1", T0, T0 + 5, JobOutcome.FAILED, new JobError("E", "m", "unknown"))), T0 + 10);
    machine.apply(List.of(ended("d1", T0, T0 + 5, JobOutcome.COMPLETED, null)), T0 + 20);
    assertEquals(JobStatus.FAILED, store.job("d1").orElseThrow().status());
    assertEquals(0, machine.falsePositives());
  }

  @Test
  void resetStuckAbandonsOnlyOldLiveRuns() {
    machine.apply(List.of(started("old", T0 - Duration.ofHours(2).toMillis()), started("new", T0)), T0);
    machine.apply(List.of(ended("over", T0 - Duration.ofHours(3).toMillis(), T0 - 1, JobOutcome.COMPLETED, null)), T0);
    List<String> reset = machine.resetStuck(Duration.ofMinutes(30));
    assertEquals(List.of("old"), reset);
    Job old = store.job("old").orElseThrow();
    assertEquals(JobStatus.ABANDONED, old.status());
    assertEquals("reset by operator", old.flag().reason());
    assertEquals(JobStatus.RUNNING, store.job("new").orElseThrow().status());
    assertEquals(JobStatus.COMPLETED, store.job("over").orElseThrow().status());
  }

  @Test
  void aLateEndAfterAnOperatorResetIsReconciledButAHeartbeatDoesNotUndoTheReset() {
    long started = T0 - Duration.ofHours(2).toMillis();
    machine.apply(List.of(started("hung", started)), T0);
    assertEquals(List.of("hung"), machine.resetStuck(Duration.ofMinutes(30)));

    machine.apply(List.of(heartbeat(500, active("hung", 7, null))), T0 + 1_000);
    assertEquals(JobStatus.ABANDONED, store.job("hung").orElseThrow().status(), "the operator's reset sticks");
    assertEquals(0, machine.falsePositives());

    machine.apply(List.of(ended("hung", started, T0 + 2_000, JobOutcome.COMPLETED, null)), T0 + 2_000);
    Job ended = store.job("hung").orElseThrow();
    assertEquals(JobStatus.COMPLETED, ended.status());
    assertEquals(FlagType.ABANDONED, ended.flag().type(), "the flag keeps the earlier detail");
    assertEquals("reset by operator", ended.flag().reason());
    assertTrue(ended.flaggedThenRecovered());
    assertEquals(T0 + 2_000, ended.endedAt());
    assertEquals(1, machine.falsePositives());
    assertEquals(1, store.jobs(new JobQuery("COMPLETED", null, null, 10)).size());
    assertEquals(1, store.jobs(new JobQuery("ABANDONED", null, null, 10)).size(), "found by its flag too");

    machine.apply(List.of(ended("hung", started, T0 + 2_000, JobOutcome.COMPLETED, null)), T0 + 3_000);
    assertEquals(1, machine.falsePositives(), "the same end twice is reconciled once");
  }

  @Test
  void aRunAbandonedByAnExitingJvmThatStillReachedItsEndTakesTheEnd() {
    machine.apply(List.of(started("x1", T0)), T0);
    machine.apply(List.of(new WorkerStopped(WORKER, List.of("x1"))), T0 + 100);
    assertEquals(JobStatus.ABANDONED, store.job("x1").orElseThrow().status());

    machine.apply(List.of(ended("x1", T0, T0 + 90, JobOutcome.FAILED, new JobError("E", "m", "unknown"))), T0 + 150);
    Job ended = store.job("x1").orElseThrow();
    assertEquals(JobStatus.FAILED, ended.status());
    assertEquals("E", ended.error().type());
    assertTrue(ended.flaggedThenRecovered());

    machine.apply(List.of(ended("x2", T0, T0 + 90, JobOutcome.ABANDONED, null)), T0 + 200);
    machine.apply(List.of(ended("x2", T0, T0 + 90, JobOutcome.ABANDONED, null)), T0 + 300);
    Job abandoned = store.job("x2").orElseThrow();
    assertEquals(JobStatus.ABANDONED, abandoned.status());
    assertFalse(abandoned.flaggedThenRecovered(), "an abandoned end delivered twice is no contradiction");
  }

  @Test
  void theLiveStateIsRebuiltFromTheStore() {
    machine.apply(List.of(started("k1", T0), heartbeat(500, active("k1", 1, null))), T0);
    store.close();
    store = JobStore.open(dir);
    JobStateMachine reopened = new JobStateMachine(store, clock);
    assertEquals(1, reopened.aliveWorkers().size());
    assertFalse(reopened.aliveWorkers().get(0).jobs().isEmpty());
    assertNotNull(store.job("k1").orElse(null));
  }

  @Test
  void declaringAWorkerDeadCrashesItsLiveRunsOnlyAlsoAfterARestart() {
    WorkerIdentity other = new WorkerIdentity("w-2", "billing", 43L, "host-b", "0.1.0");
    machine.apply(List.of(started("a1", T0), started("a2", T0), ended("a3", T0, T0 + 5, JobOutcome.COMPLETED, null),
        new JobStarted(other, run("b1", 0), "trace-b1", "b1", T0)), T0);
    assertEquals(List.of("a1", "a2"), machine.declareDead("w-1", "lease closed", T0).stream().sorted().toList());
    assertEquals(JobStatus.RUNNING, store.job("b1").orElseThrow().status());
    assertEquals(JobStatus.COMPLETED, store.job("a3").orElseThrow().status());

    machine.apply(List.of(new JobStarted(other, run("b2", 0), "trace-b2", "b2", T0)), T0 + 10);
    JobStateMachine reopened = new JobStateMachine(store, clock); // its index is rebuilt from the store
    assertEquals(List.of("b1", "b2"), reopened.declareDead("w-2", "lease closed", T0 + 20).stream().sorted().toList());
    assertEquals(JobStatus.CRASHED, store.job("b2").orElseThrow().status());
  }

  @Test
  void aGroupOfRequestsEndsAsTheRequestsAppliedOneByOne() {
    machine.applyAll(List.of(
        new ReceivedSpans(List.of(started("g1", T0)), T0),
        new ReceivedSpans(List.of(ended("g1", T0, T0 + 10, JobOutcome.FAILED, null)), T0 + 20),
        new ReceivedSpans(List.of(new JobStarted(WORKER, new RunAttributes("g2", "com.acme.Job#g1", "order-g1", null, 1,
            "worker-1", 0, null), "trace-g2", "g2", T0 + 30), heartbeat(1_000, active("g2", 3, 10L))), T0 + 40)));

    Job failed = store.job("g1").orElseThrow();
    assertEquals(JobStatus.FAILED, failed.status());
    Job retry = store.job("g2").orElseThrow();
    assertEquals(JobStatus.RUNNING, retry.status());
    assertEquals(2, retry.attempt(), "the run after a failed one of the same business id is its retry");
    assertEquals("g1", retry.previousAttemptId());
    assertEquals(3, retry.progressDone());
    assertEquals(T0 + 40, retry.lastSeenAt());
    Worker worker = store.worker("w-1").orElseThrow();
    assertEquals(List.of("g2"), worker.jobs());
    assertEquals(T0 + 40, worker.lastHeartbeatAt());
    assertEquals(List.of("g2"), machine.liveJobs().stream().map(Job::id).toList());
  }

  private static RunAttributes run(String id, long done) {
    return new RunAttributes(id, "com.acme.Job#" + id, "order-" + id, null, 1, "worker-1", done, null);
  }

  private static JobStarted started(String id, long startedAt) {
    return new JobStarted(WORKER, run(id, 0), "trace-" + id, id, startedAt);
  }

  private static JobEnded ended(String id, long startedAt, long endedAt, JobOutcome outcome, JobError error) {
    return new JobEnded(WORKER, run(id, 7), "trace-" + id, id, startedAt, endedAt, outcome, error, null);
  }

  private static ActiveRun active(String id, long done, Long total) {
    return new ActiveRun(id, "com.acme.Job#" + id, done, total, "worker-1", "TIMED_WAITING", true);
  }

  private static Heartbeat heartbeat(long intervalMs, ActiveRun... active) {
    return new Heartbeat(WORKER, intervalMs, List.of(active).stream().map(ActiveRun::id).toList(), List.of(active),
        List.of());
  }
}
