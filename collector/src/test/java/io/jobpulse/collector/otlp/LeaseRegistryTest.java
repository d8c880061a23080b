package io.jobpulse.collector.otlp;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

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

  private static Worker worker(String id) {
    return Worker.firstSeen(new WorkerIdentity(id, "svc", 1L, "host", "1.0"), 0, 1000);
  }
}
