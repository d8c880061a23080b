package io.jobpulse.sample.jobs;

/** Posts the day's entries to the ledger, one {@link Ledger#post} each. */
public final class LedgerPostingJob {

  private final Ledger ledger;

  public LedgerPostingJob(Ledger ledger) {
    this.ledger = ledger;
  }

  /** Returns the number of entries posted. */
  public int run(String day, int entries) {
    for (int entry = 1; entry <= entries; entry++) {
      ledger.post(entry * 100L);
    }
    return entries;
  }
}
