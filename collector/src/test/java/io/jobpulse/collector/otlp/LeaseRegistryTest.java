package io.jobpulse.collector.otlp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jobpulse.collector.detect.LeasePings;
import io.jobpulse.collector.state.Worker;
import io.jobpulse.collector.state.WorkerIdentity;
import java.util.List;
import org.junit.jupiter.api.Test;

class LeaseRegistryTest {

  private final LeaseRegistry leases = new LeaseRegistry();

  @Test
  void aPrunedWorkerIsForgottenSoTheRegistryDoesNotGrowWithEveryWorkerEverSeen() {
    leases.opened("gone");
    leases.closed("gone");
    leases.opened("back");
    leases.closed("back");
    leases.opened("back"); // reconnected after it was declared dead

    leases.workersRemoved(List.of(worker("gone"), worker("back")));

    assertFalse(leases.everOpened("gone"), "a pruned worker leaves no trace");
    assertTrue(leases.everOpened("back"), "a worker holding a lease again is kept");
    assertTrue(leases.isOpen("back"));
  }

  @Test
  void onlyTheLastLeaseOfAWorkerClosingClosesIt() {
    leases.opened("w");
    leases.opened("w");

    assertFalse(leases.closed("w"));
    assertTrue(leases.isOpen("w"));
    assertTrue(leases.closed("w"));
    assertFalse(leases.isOpen("w"));
    assertTrue(leases.everOpened("w"));
  }

  @Test
  void aClosedLeaseKeepsItsLastPingAsTheWorkersLastSignOfLife() {
    leases.opened("frozen").pinged(1_000);
    leases.opened("killed").pinged(2_000);
    leases.opened("quiet"); // never pinged

    assertTrue(leases.closed("frozen")); // the collector closed it for silence
    assertTrue(leases.closed("killed")); // closed without goodbye: its death is applied a moment later
    assertTrue(leases.closed("quiet"));

    assertFalse(leases.isOpen("frozen"));
    assertEquals(1_000, leases.lastPingAt("frozen"), "the heartbeat rule judges a silent worker from its last ping");
    assertEquals(2_000, leases.lastPingAt("killed"), "not from spans older than the ping, until the death is applied");
    assertEquals(LeasePings.NEVER, leases.lastPingAt("quiet"));

    leases.opened("frozen").pinged(5_000); // it came back
    assertEquals(5_000, leases.lastPingAt("frozen"));
    leases.closed("frozen");
    leases.workersRemoved(List.of(worker("frozen"), worker("killed")));
    assertEquals(LeasePings.NEVER, leases.lastPingAt("frozen"), "a pruned worker leaves no trace");
    assertEquals(LeasePings.NEVER, leases.lastPingAt("killed"));
  }

  private static Worker worker(String id) {
    return Worker.firstSeen(new WorkerIdentity(id, "svc", 1L, "host", "1.0"), 0, 1000);
  }
}
