package io.jobpulse.sample.jobs;

import java.util.concurrent.CountDownLatch;

/**
 * The general ledger, guarded by its own monitor. The nightly audit takes the monitor and, holding
 * it, waits for the auditors' sign-off, which never comes: every poster then stays BLOCKED on the
 * ledger for as long as the audit waits.
 */
public final class Ledger {

  private long balanceCents;

  public synchronized void post(long amountCents) {
    balanceCents += amountCents;
  }

  /** Counts {@code holding} down once it holds the monitor, then waits for {@code signOff}. */
  public synchronized void audit(CountDownLatch holding, CountDownLatch signOff)
      throws InterruptedException {
    holding.countDown();
    signOff.await();
  }

  public synchronized long balanceCents() {
    return balanceCents;
  }
}
