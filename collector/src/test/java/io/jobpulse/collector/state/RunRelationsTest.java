package io.jobpulse.collector.state;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jobpulse.collector.state.SpanEvent.ActiveRun;
import io.jobpulse.collector.state.SpanEvent.Heartbeat;
import io.jobpulse.collector.state.SpanEvent.JobEnded;
import io.jobpulse.collector.state.SpanEvent.JobStarted;
import io.jobpulse.collector.state.SpanEvent.RunAttributes;
import io.jobpulse.collector.store.JobQuery;
import io.jobpulse.collector.store.JobStore;
import io.jobpulse.collector.testing.MutableClock;
import io.jobpulse.contract.JobOutcome;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Parents and children, attempts, duplicates and the progress rate, on a real store. */
class RunRelationsTest {

  private static final long T0 = 1_700_000_000_000L;
  private static final WorkerIdentity WORKER = new WorkerIdentity("w-1", "billing", 42L, "host-a", "0.1.0");
  private static final String NAME = "com.acme.Invoice#send";

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
  void aParentCountsItsChildrenAsTheyChangeAndWaitsOnOneThatCrashed() {
    apply(start(run("parent", "batch-1", null), T0));
    for (int i = 0; i < 5; i++) {
      apply(start(run("c" + i, "item-" + i, "parent"), T0 + i));
    }
    apply(end(run("c0", "item-0", "parent"), JobOutcome.COMPLETED), end(run("c1", "item-1", "parent"), JobOutcome.FAILED));
    ChildStats stats = RunIndexes.childStats(store, "parent");
    assertEquals(3, stats.running());
    assertEquals(1, stats.completed());
    assertEquals(1, stats.failed());
    assertEquals(5, stats.total());
    assertNull(job("parent").waitingOn());

    machine.raiseFlag("c2", new Flag(FlagType.LOST, "left out", clock.millis(), 0));
    Job waiting = job("parent");
    assertEquals(new WaitingOn("c2", JobStatus.LOST), waiting.waitingOn());
    assertEquals(JobStatus.RUNNING, waiting.status());
    stats = RunIndexes.childStats(store, "parent");
    assertEquals(1, stats.lost());
    assertEquals(2, stats.running());

    // A child's worker dies: the crashed children are named; the parent keeps waiting on the first.
    machine.declareDead("w-1", "lease closed", clock.millis());
    stats = RunIndexes.childStats(store, "parent");
    assertEquals(List.of("c3", "c4"), stats.crashedChildren().stream().sorted().toList());
    assertEquals(2, stats.crashed());
    assertEquals(0, stats.running());
    assertEquals(5, stats.total());
    assertEquals(JobStatus.CRASHED, job("parent").status(), "the parent ran on the same worker");
    assertNull(job("parent").waitingOn(), "a parent that is over waits on nothing");

    // c3 was alive after all: reconciled, no longer among the crashed.
    apply(end(run("c3", "item-3", "parent"), JobOutcome.COMPLETED));
    stats = RunIndexes.childStats(store, "parent");
    assertEquals(List.of("c4"), stats.crashedChildren());
    assertEquals(1, stats.crashed());
    assertEquals(2, stats.completed());
  }

  @Test
  void aRetryAfterAFailureIsTheNextAttemptLinkedToThePreviousOne() {
    apply(start(run("a1", "order-7", null), T0));
    machine.declareDead("w-1", "lease closed", clock.millis());
    clock.advance(1000);
    apply(start(run("a2", "order-7", null), T0 + 1000));
    Job second = job("a2");
    assertEquals(2, second.attempt());
    assertEquals("a1", second.previousAttemptId());

    apply(end(run("a2", "order-7", null), JobOutcome.FAILED));
    apply(start(run("a3", "order-7", null), T0 + 2000));
    assertEquals(3, job("a3").attempt());
    assertEquals("a2", job("a3").previousAttemptId());
    assertEquals(3, job("a3").attempt(), "later spans saying attempt 1 do not undo it");
    apply(end(run("a3", "order-7", null), JobOutcome.COMPLETED));
    assertEquals(3, job("a3").attempt());

    apply(start(run("b1", "order-7", null), T0 + 3000));
    assertEquals(1, job("b1").attempt(), "after a success, a new run is a new first attempt");
    assertNull(job("b1").previousAttemptId());
  }

  @Test
  void anAttemptTheAgentNumberedItselfIsLinkedToTheRunItRetries() {
    // db-scheduler counts its failures: the revived run arrives as attempt 2, without the crashed
    // run's id, which only the collector knows.
    apply(start(run("d1", "order-11", null), T0));
    machine.declareDead("w-1", "lease closed", clock.millis());
    clock.advance(1000);
    RunAttributes revived = new RunAttributes("d2", NAME, "order-11", null, 2, "worker-1", 0, null, null, null);
    apply(new JobStarted(WORKER, revived, "trace-d2", "d2", T0 + 1000));
    assertEquals(2, job("d2").attempt());
    assertEquals("d1", job("d2").previousAttemptId());
  }

  @Test
  void theAgentsOwnAttemptLinkIsTrusted() {
    apply(start(run("x1", "order-9", null), T0));
    apply(end(run("x1", "order-9", null), JobOutcome.FAILED));
    RunAttributes retry = new RunAttributes("x2", NAME, "order-9", null, 5, "worker-1", 0, null, "elsewhere", null);
    apply(new JobStarted(WORKER, retry, "trace-x2", "x2", T0 + 10));
    assertEquals(5, job("x2").attempt());
    assertEquals("elsewhere", job("x2").previousAttemptId());
  }

  @Test
  void twoLiveRunsOfOneBusinessIdFlagTheNewerUntilTheOtherEnds() {
    apply(start(run("first", "order-1", null), T0));
    clock.advance(250);
    apply(start(run("second", "order-1", null), T0 + 200));
    apply(start(run("other", "order-2", null), T0 + 300));
    Job duplicate = job("second");
    assertEquals(JobStatus.RUNNING, duplicate.status());
    assertEquals(FlagType.DUPLICATE, duplicate.flag().type());
    assertEquals("another run of " + NAME + " for business id order-1 is live: first on worker w-1",
        duplicate.flag().reason());
    assertEquals("first", duplicate.duplicateOf());
    assertNull(job("first").flag());
    assertNull(job("other").flag());
    assertEquals(List.of("second"), store.jobs(new JobQuery("DUPLICATE", null, null, 10)).stream().map(Job::id).toList());

    apply(end(run("first", "order-1", null), JobOutcome.COMPLETED));
    Job alone = job("second");
    assertNull(alone.flag());
    assertTrue(alone.history().stream().anyMatch(h -> h.detail().equals("DUPLICATE cleared: first is COMPLETED")));
    assertEquals(0, store.jobs(new JobQuery("DUPLICATE", null, null, 10)).size());
  }

  @Test
  void theRateIsMeasuredOverTheLastMinute() {
    apply(start(run("r", null, null), T0));
    for (int i = 1; i <= 24; i++) {
      clock.advance(5_000);
      apply(new Heartbeat(WORKER, 5_000, List.of("r"),
          List.of(new ActiveRun("r", NAME, i <= 12 ? i * 10L : 120 + (i - 12) * 40L, 10_000L, "worker-1", "RUNNABLE",
              true)), List.of()));
    }
    Job job = job("r");
    assertEquals(600, job.progressDone());
    assertEquals(8.0, job.ratePerSecond(), 1e-9, "40 items per 5 s over the last minute, not the average");
    assertTrue(job.progressSamples().size() <= 14, "bounded samples: " + job.progressSamples().size());
  }

  private void apply(SpanEvent... events) {
    machine.apply(List.of(events), clock.millis());
  }

  private Job job(String id) {
    return machine.currentRuns().job(id).orElseThrow();
  }

  private static RunAttributes run(String id, String businessId, String parentId) {
    return new RunAttributes(id, NAME, businessId, parentId, 1, "worker-1", 0, null);
  }

  private static JobStarted start(RunAttributes run, long startedAt) {
    return new JobStarted(WORKER, run, "trace", run.id(), startedAt);
  }

  private JobEnded end(RunAttributes run, JobOutcome outcome) {
    return new JobEnded(WORKER, run, "trace", run.id(), T0, clock.millis(), outcome,
        outcome == JobOutcome.FAILED ? new JobError("E", "m", "unknown") : null, null);
  }
}
