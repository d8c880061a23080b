package io.jobpulse.sample.jobs;

import java.io.PrintStream;
import java.time.Duration;

/**
 * Enriches a batch of firms one by one, each firm one slow call to an outside service (the
 * incident in killed-worker-9-days.md: job 330001, 7547 firms, killed at 2500).
 */
public final class FirmEnrichmentJob {

  private final Duration perFirm;
  private final PrintStream out;

  public FirmEnrichmentJob(Duration perFirm, PrintStream out) {
    this.perFirm = perFirm;
    this.out = out;
  }

  /** Returns the number of firms enriched. */
  public int run(EnrichmentBatch batch) throws InterruptedException {
    int total = batch.firms().size();
    // About ten progress lines per batch, whatever its size.
    int reportEvery = Math.max(1, total / 10);
    int done = 0;
    for (Firm firm : batch.firms()) {
      enrichFirm(firm);
      done++;
      if (done % reportEvery == 0 || done == total) {
        out.println("batch " + batch.batchId() + ": " + done + "/" + total + " firms enriched");
      }
    }
    return done;
  }

  void enrichFirm(Firm firm) throws InterruptedException {
    // Stands for the call to the registry and the web lookups of one firm.
    Thread.sleep(perFirm.toMillis());
  }
}
