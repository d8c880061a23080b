package io.jobpulse.collector.ingest;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jobpulse.collector.detect.HeartbeatDetector;
import io.jobpulse.collector.state.JobStateMachine;
import io.jobpulse.collector.state.JobStatus;
import io.jobpulse.collector.state.SpanEvent;
import io.jobpulse.collector.state.WorkerIdentity;
import io.jobpulse.collector.store.JobStore;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
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

  private static void awaitLatch(CountDownLatch latch) {
    try {
      latch.await(30, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
