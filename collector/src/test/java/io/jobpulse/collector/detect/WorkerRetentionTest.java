package io.jobpulse.collector.detect;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jobpulse.collector.metrics.CollectorMetrics;
import io.jobpulse.collector.state.JobStateMachine;
import io.jobpulse.collector.state.SpanEvent;
import io.jobpulse.collector.state.SpanEvent.Heartbeat;
import io.jobpulse.collector.state.SpanEvent.JobStarted;
import io.jobpulse.collector.state.SpanEvent.RunAttributes;
import io.jobpulse.collector.state.SpanEvent.WorkerStopped;
import io.jobpulse.collector.state.Worker;
import io.jobpulse.collector.state.WorkerIdentity;
import io.jobpulse.collector.state.WorkerState;
import io.jobpulse.collector.store.JobStore;
import io.jobpulse.collector.testing.MutableClock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Workers that stopped or died are forgotten after the retention, alive ones never. Real store, clock moved by hand. */
class WorkerRetentionTest {

  private static final long T0 = 1_700_000_000_000L;
  private static final long DAY = Duration.ofDays(1).toMillis();
  private static final long RETENTION = 7 * DAY;

  @TempDir Path dir;
  private final MutableClock clock = new MutableClock(T0);
  private final WorkerRetention retention = new WorkerRetention(Duration.ofMillis(RETENTION));
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
  void stoppedAndDeadWorkersAreForgottenAfterTheRetentionAliveOnesNever() {
    CollectorMetrics metrics = new CollectorMetrics(store);
    machine.addListener(metrics);
    apply(heartbeat("stopped"), heartbeat("dead"), heartbeat("alive"));
    apply(new WorkerStopped(worker("stopped"), List.of()));
    clock.advance(DAY);
    machine.declareDead("dead", "lease connection closed without goodbye", clock.millis());
    assertEquals(T0 + DAY, store.worker("dead").orElseThrow().stoppedAt(), "a dead worker records when it died");

    // "alive" sends nothing more; nothing declares it dead (say its lease pings): it is never forgotten.
    clock.advance(RETENTION - DAY);
    assertEquals(0, prune(), "exactly the retention after the stop is not past it");
    clock.advance(1);
    assertEquals(1, prune());
    assertEquals(List.of("alive", "dead"), workerIds());
    assertEquals(0, gauge(metrics, "STOPPED"), "the gauge forgets it too");

    clock.advance(DAY);
    assertEquals(1, prune(), "the dead one is kept the retention after it died, not after its last span");
    assertEquals(List.of("alive"), workerIds());
    clock.advance(100 * DAY);
    assertEquals(0, prune());
    assertEquals(WorkerState.ALIVE, store.worker("alive").orElseThrow().state());
    assertEquals(0, gauge(metrics, "DEAD"));
    assertEquals(1, gauge(metrics, "ALIVE"));
  }

  @Test
  void aWorkerThatCameBackIsKeptTheRetentionAfterItsLastEnd() {
    apply(heartbeat("w"));
    apply(new WorkerStopped(worker("w"), List.of()));
    clock.advance(6 * DAY);
    apply(heartbeat("w")); // the same instance id again (a paused VM, say)
    clock.advance(DAY + 1);
    assertEquals(0, prune(), "alive again: its old end does not count");
    apply(new WorkerStopped(worker("w"), List.of()));
    long stoppedAgainAt = clock.millis();

    // A restart rebuilds what is to be forgotten from the store.
    store.close();
    store = JobStore.open(dir);
    machine = new JobStateMachine(store, clock);
    clock.advance(RETENTION - 1);
    assertEquals(0, prune());
    clock.advance(stoppedAgainAt + RETENTION + 1 - clock.millis());
    assertEquals(1, prune());
    assertEquals(List.of(), workerIds());
  }

  @Test
  void aTickForgetsABoundedNumberAndTheRestAtTheNextTicks() {
    int ended = 2 * WorkerRetention.MAX_PER_TICK + 10;
    for (int i = 0; i < ended; i++) {
      String id = String.format("w-%03d", i);
      apply(new JobStarted(worker(id), new RunAttributes("run-" + i, "com.acme.Job#run", null, null, 1, "main", 0,
          null), "trace-" + i, "run-" + i, T0));
      apply(new WorkerStopped(worker(id), List.of()));
    }
    clock.advance(RETENTION + 1);
    assertEquals(WorkerRetention.MAX_PER_TICK, prune());
    assertEquals(WorkerRetention.MAX_PER_TICK, prune());
    assertEquals(10, prune());
    assertEquals(0, prune());
    assertTrue(store.workers().isEmpty());
    assertTrue(store.job("run-0").isPresent(), "the runs stay: only the workers are forgotten");
  }

  @Test
  void aRetentionMustBePositive() {
    assertThrows(IllegalArgumentException.class, () -> new WorkerRetention(Duration.ZERO));
  }

  private int prune() {
    return retention.prune(machine, clock.millis());
  }

  private void apply(SpanEvent... events) {
    machine.apply(List.of(events), clock.millis());
  }

  private List<String> workerIds() {
    return store.workers().stream().map(Worker::id).toList();
  }

  private static WorkerIdentity worker(String id) {
    return new WorkerIdentity(id, "billing", 42L, "host-a", "0.1.0");
  }

  private static Heartbeat heartbeat(String workerId) {
    return new Heartbeat(worker(workerId), 5_000, List.of(), List.of(), List.of());
  }

  private static long gauge(CollectorMetrics metrics, String state) {
    String scraped = new String(metrics.scrape(), StandardCharsets.UTF_8);
    Matcher m = Pattern.compile("(?m)^jobpulse_workers\\{state=\"" + state + "\"} (\\S+)$").matcher(scraped);
    assertTrue(m.find(), scraped);
    return (long) Double.parseDouble(m.group(1));
  }
}
