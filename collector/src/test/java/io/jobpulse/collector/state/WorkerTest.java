package io.jobpulse.collector.state;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;

import java.util.List;
import org.junit.jupiter.api.Test;

/** A span seen from a worker: what changes, and that nothing is copied when nothing does. */
class WorkerTest {

  private static final long T0 = 1_700_000_000_000L;
  private final WorkerIdentity identity = new WorkerIdentity("w-1", "billing", 42L, "host-a", "1.0");
  private final Worker known = Worker.firstSeen(identity, T0, 10_000).withJobs(List.of("r-1"));

  @Test
  void aSpanReceivedWithTheLastChangesNothing() {
    assertSame(known, known.seen(identity, T0));
    assertSame(known, known.seen(new WorkerIdentity("w-1", null, null, null, null), T0));
  }

  @Test
  void aLaterSpanMovesLastSeenAndKeepsTheRest() {
    Worker seen = known.seen(identity, T0 + 5);
    assertEquals(T0 + 5, seen.lastSeenAt());
    assertEquals(T0, seen.firstSeenAt());
    assertEquals(List.of("r-1"), seen.jobs());
    assertEquals("billing", seen.service());
  }

  @Test
  void resourceAttributesReplaceTheKnownOnesWhereGiven() {
    Worker seen = known.seen(new WorkerIdentity("w-1", null, 43L, null, "1.1"), T0);
    assertEquals(43L, seen.pid());
    assertEquals("1.1", seen.agentVersion());
    assertEquals("billing", seen.service());
    assertEquals("host-a", seen.host());
  }

  @Test
  void aWorkerDeclaredDeadIsAliveAgainWhenItSpeaks() {
    Worker dead = known.withState(WorkerState.DEAD, T0 + 1);
    Worker seen = dead.seen(identity, T0);
    assertEquals(WorkerState.ALIVE, seen.state());
    assertNull(seen.stoppedAt());
  }
}
