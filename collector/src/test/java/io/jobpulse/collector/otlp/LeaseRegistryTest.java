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
    leases.closed("gone", false);
    leases.opened("back");
    leases.closed("back", true);
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

    assertFalse(leases.closed("w", false));
    assertTrue(leases.isOpen("w"));
    assertTrue(leases.closed("w", false));
    assertFalse(leases.isOpen("w"));
    assertTrue(leases.everOpened("w"));
  }

  @Test
  void aLeaseClosedForSilenceKeepsItsLastPingAsTheWorkersLastSignOfLife() {
    leases.opened("frozen").pinged(1_000);
    leases.opened("killed").pinged(1_000);

    assertTrue(leases.closed("frozen", true));
    assertTrue(leases.closed("killed", false));

    assertFalse(leases.isOpen("frozen"));
    assertEquals(1_000, leases.lastPingAt("frozen"), "the heartbeat rule judges a silent worker from its last ping");
    assertEquals(LeasePings.NEVER, leases.lastPingAt("killed"), "a worker whose lease ended is judged by its spans");

    leases.opened("frozen").pinged(5_000); // it came back
    assertEquals(5_000, leases.lastPingAt("frozen"));
    leases.closed("frozen", true);
    leases.workersRemoved(List.of(worker("frozen")));
    assertEquals(LeasePings.NEVER, leases.lastPingAt("frozen"), "a pruned worker leaves no trace");
  }

  private static Worker worker(String id) {
    return Worker.firstSeen(new WorkerIdentity(id, "svc", 1L, "host", "1.0"), 0, 1000);
  }
}
