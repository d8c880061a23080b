package io.jobpulse.collector.ingest;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jobpulse.collector.detect.HeartbeatDetector;
import io.jobpulse.collector.state.Job;
import io.jobpulse.collector.state.JobStateMachine;
import io.jobpulse.collector.state.JobStatus;
import io.jobpulse.collector.state.SpanEvent;
import io.jobpulse.collector.state.StateListener;
import io.jobpulse.collector.state.WorkerIdentity;
import io.jobpulse.collector.store.JobStore;
import io.jobpulse.collector.store.StoreBatch;
import io.jobpulse.collector.testing.MutableClock;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class IngestLoopTest {

  @TempDir Path dir;

  @Test
  void aFullQueueRefusesInsteadOfBlockingAndAcceptedTasksAllRun() throws Exception {
    try (JobStore store = JobStore.open(dir)) {
      JobStateMachine machine = new JobStateMachine(store, Clock.systemUTC());
      IngestLoop loop = new IngestLoop(machine, new HeartbeatDetector(3, System.currentTimeMillis()),
          Clock.systemUTC(), 1, Duration.ofMillis(50));
      loop.start();
      CountDownLatch running = new CountDownLatch(1);
      CountDownLatch release = new CountDownLatch(1);
      try {
        CompletableFuture<JobStateMachine> blocker = loop.trySubmit(m -> {
          running.countDown();
          awaitLatch(release);
          return m;
        });
        assertTrue(running.await(10, TimeUnit.SECONDS));
        CompletableFuture<String> queued = loop.trySubmit(m -> "second");
        assertNotNull(queued, "one task fits in the queue");
        assertNull(loop.trySubmit(m -> "third"), "a full queue answers at once");

        release.countDown();
        assertSame(machine, blocker.get(10, TimeUnit.SECONDS));
        assertEquals("second", queued.get(10, TimeUnit.SECONDS));
      } finally {
        release.countDown();
        loop.close();
      }
      assertNull(loop.trySubmit(m -> "late"), "a closed loop takes nothing");
    }
  }

  @Test
  void closeWritesTheHeartbeatFieldsHeldBack() throws Exception {
    try (JobStore store = JobStore.open(dir)) {
      JobStateMachine machine = new JobStateMachine(store, Clock.systemUTC());
      IngestLoop loop = new IngestLoop(machine, new HeartbeatDetector(3, System.currentTimeMillis()),
          Clock.systemUTC(), 16, Duration.ofMillis(50));
      loop.start();
      WorkerIdentity worker = new WorkerIdentity("w", "svc", 1L, "h", "v");
      SpanEvent.RunAttributes run = new SpanEvent.RunAttributes("j", "n#m", null, null, 1, "t", 0, null);
      long now = System.currentTimeMillis();
      loop.trySubmitSpans(List.of(new SpanEvent.JobStarted(worker, run, "t", "j", now)), now, () -> { })
          .get(10, TimeUnit.SECONDS);
      loop.trySubmitSpans(List.of(new SpanEvent.Heartbeat(worker, 60_000, List.of("j"),
          List.of(new SpanEvent.ActiveRun("j", "n#m", 33, 100L, "t", "RUNNABLE", true)), List.of())), now + 1, () -> { })
          .get(10, TimeUnit.SECONDS);
      assertEquals(0, store.job("j").orElseThrow().progressDone(), "held back while running");

      loop.close();

      assertEquals(33, store.job("j").orElseThrow().progressDone());
      assertEquals(now + 1, store.job("j").orElseThrow().lastSeenAt());
    }
  }

  @Test
  void theDetectorTicksOnTheLoopAndCloseFinishesQueuedWork() throws Exception {
    try (JobStore store = JobStore.open(dir)) {
      JobStateMachine machine = new JobStateMachine(store, Clock.systemUTC());
      IngestLoop loop = new IngestLoop(machine, new HeartbeatDetector(1, System.currentTimeMillis()),
          Clock.systemUTC(), 16, Duration.ofMillis(20));
      loop.start();
      WorkerIdentity worker = new WorkerIdentity("w", "svc", 1L, "h", "v");
      SpanEvent.RunAttributes run = new SpanEvent.RunAttributes("j", "n#m", null, null, 1, "t", 0, null);
      loop.trySubmit(m -> {
        m.apply(List.of(new SpanEvent.JobStarted(worker, run, "t", "j", System.currentTimeMillis()),
            new SpanEvent.Heartbeat(worker, 100, List.of("j"), List.of(), List.of())), System.currentTimeMillis());
        return null;
      }).get(10, TimeUnit.SECONDS);
      await().atMost(Duration.ofSeconds(10)).until(() -> store.job("j").orElseThrow().status() == JobStatus.CRASHED);

      CompletableFuture<Integer> last = loop.trySubmit(m -> 42);
      loop.close();
      assertEquals(42, last.get(10, TimeUnit.SECONDS));
    }
  }

  /**
   * The collector falls behind (a stalled ingest thread, then a backlog longer than the heartbeat
   * timeout): the workers whose heartbeats wait in the queue are alive; the one that fell silent
   * is not.
   */
  @Test
  void aBacklogLongerThanTheTimeoutFlagsOnlyTheWorkerThatFellSilent() throws Exception {
    long t0 = 1_700_000_000_000L;
    long intervalMs = 1_000; // timeout: 3 missed = 3 s
    MutableClock clock = new MutableClock(t0);
    try (JobStore store = JobStore.open(dir)) {
      JobStateMachine machine = new JobStateMachine(store, clock);
      IngestLoop loop = new IngestLoop(machine, new HeartbeatDetector(3, t0), clock, 4 * IngestLoop.MAX_GROUP,
          Duration.ofMillis(1));
      loop.start();
      WorkerIdentity live = new WorkerIdentity("live", "svc", 1L, "h", "v");
      WorkerIdentity silent = new WorkerIdentity("silent", "svc", 2L, "h", "v");
      List<String> liveRuns = IntStream.range(0, 20).mapToObj(i -> "live-" + i).toList();
      List<SpanEvent> first = new ArrayList<>();
      for (String id : liveRuns) {
        first.add(new SpanEvent.JobStarted(live, new SpanEvent.RunAttributes(id, "n#m", null, null, 1, "t", 0, null),
            "trace", id, t0));
      }
      first.add(new SpanEvent.JobStarted(silent, new SpanEvent.RunAttributes("quiet", "n#m", null, null, 1, "t", 0,
          null), "trace", "quiet", t0));
      first.add(new SpanEvent.Heartbeat(live, intervalMs, liveRuns, List.of(), List.of()));
      first.add(new SpanEvent.Heartbeat(silent, intervalMs, List.of("quiet"), List.of(), List.of()));
      loop.trySubmitSpans(first, t0, () -> {}).get(10, TimeUnit.SECONDS);

      CountDownLatch stalled = new CountDownLatch(1);
      CountDownLatch release = new CountDownLatch(1);
      try {
        loop.trySubmit(m -> {
          stalled.countDown();
          awaitLatch(release);
          return null;
        });
        assertTrue(stalled.await(10, TimeUnit.SECONDS));
        // 30 s of heartbeats, every 100 ms, received while nothing is applied: more than one group.
        List<CompletableFuture<Void>> acks = new ArrayList<>();
        for (int i = 0; i < IngestLoop.MAX_GROUP + 44; i++) {
          clock.advance(100);
          acks.add(loop.trySubmitSpans(List.of(new SpanEvent.Heartbeat(live, intervalMs, liveRuns, List.of(),
              List.of())), clock.millis(), () -> {}));
        }
        assertTrue(acks.stream().allMatch(Objects::nonNull), "the queue holds the backlog");
        release.countDown();
        CompletableFuture.allOf(acks.toArray(CompletableFuture[]::new)).get(30, TimeUnit.SECONDS);

        await().atMost(Duration.ofSeconds(10))
            .until(() -> store.job("quiet").orElseThrow().status() == JobStatus.CRASHED);
        for (String id : liveRuns) {
          Job run = store.job(id).orElseThrow();
          assertEquals(JobStatus.RUNNING, run.status(), id);
          assertNull(run.flag(), id);
          assertFalse(run.flaggedThenRecovered(), id + " was never flagged, not even for a while");
        }
        assertEquals(0, machine.falsePositives());
        assertNotNull(machine.aliveWorker("live"));
        assertNull(machine.aliveWorker("silent"));
      } finally {
        release.countDown();
        loop.close();
      }
    }
  }

  @Test
  void requestsQueuedTogetherAreWrittenTogetherAndABadOneFailsAlone() throws Exception {
    try (JobStore store = JobStore.open(dir)) {
      JobStateMachine machine = new JobStateMachine(store, Clock.systemUTC());
      IngestLoop loop = new IngestLoop(machine, (m, now) -> 0, Clock.systemUTC(), 16, Duration.ofMillis(50));
      loop.start();
      WorkerIdentity worker = new WorkerIdentity("w", "svc", 1L, "h", "v");
      CountDownLatch stalled = new CountDownLatch(1);
      CountDownLatch release = new CountDownLatch(1);
      List<String> written = new CopyOnWriteArrayList<>();
      try {
        loop.trySubmit(m -> {
          stalled.countDown();
          awaitLatch(release);
          return null;
        });
        assertTrue(stalled.await(10, TimeUnit.SECONDS));
        long now = System.currentTimeMillis();
        CompletableFuture<Void> good1 = loop.trySubmitSpans(List.of(start(worker, "a", now)), now, () -> written.add("a"));
        CompletableFuture<Void> bad = loop.trySubmitSpans(List.of(start(worker, null, now)), now, () -> written.add("bad"));
        CompletableFuture<Void> good2 = loop.trySubmitSpans(List.of(start(worker, "b", now)), now, () -> written.add("b"));
        release.countDown();

        good1.get(10, TimeUnit.SECONDS);
        good2.get(10, TimeUnit.SECONDS);
        ExecutionException failure = assertThrows(ExecutionException.class, () -> bad.get(10, TimeUnit.SECONDS));
        assertInstanceOf(RuntimeException.class, failure.getCause());
        assertEquals(List.of("a", "b"), written, "each written request is told, in order; the bad one is not");
        assertEquals(JobStatus.RUNNING, store.job("a").orElseThrow().status());
        assertEquals(JobStatus.RUNNING, store.job("b").orElseThrow().status());
      } finally {
        release.countDown();
        loop.close();
      }
    }
  }

  @Test
  void aRequestThatCannotBeWrittenIsReportedUntilAWriteSucceedsAgain() throws Exception {
    try (JobStore store = JobStore.open(dir)) {
      JobStateMachine machine = new JobStateMachine(store, Clock.systemUTC());
      // What a full disk does to a transaction, raised where a real one surfaces: inside the commit.
      machine.addListener(new StateListener() {
        @Override
        public void staging(Job before, Job after, StoreBatch batch) {
          if (after.id().startsWith("unwritable")) {
            throw new IllegalStateException("write failed: No space left on device");
          }
        }
      });
      IngestLoop loop = new IngestLoop(machine, new HeartbeatDetector(3, System.currentTimeMillis()),
          Clock.systemUTC(), 16, Duration.ofMillis(50));
      loop.start();
      try {
        WorkerIdentity worker = new WorkerIdentity("w", "svc", 1L, "h", "v");
        long now = System.currentTimeMillis();
        assertTrue(loop.writeFailure().isEmpty());

        CompletableFuture<Void> refused = loop.trySubmitSpans(List.of(start(worker, "unwritable-1", now)), now, () -> {});
        assertThrows(ExecutionException.class, () -> refused.get(10, TimeUnit.SECONDS));
        assertEquals("write failed: No space left on device", loop.writeFailure().orElseThrow());

        loop.trySubmitSpans(List.of(start(worker, "fine-1", now)), now, () -> {}).get(10, TimeUnit.SECONDS);
        assertTrue(loop.writeFailure().isEmpty(), "a write went through: the failure is over");
        assertTrue(store.job("fine-1").isPresent());
        assertFalse(store.job("unwritable-1").isPresent());
      } finally {
        loop.close();
      }
    }
  }

  private static SpanEvent start(WorkerIdentity worker, String id, long at) {
    return new SpanEvent.JobStarted(worker, new SpanEvent.RunAttributes(id, "n#m", null, null, 1, "t", 0, null),
        "trace", "span", at);
  }

  private static void awaitLatch(CountDownLatch latch) {
    try {
      latch.await(30, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
