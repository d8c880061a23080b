package io.jobpulse.sample.jobs;

import java.time.Duration;

/**
 * Renders month-end statements, one account at a time. It always moves, but the customer base
 * grew: a run that once fitted its window now overruns it by hours, and every statement still
 * goes out late.
 */
public final class StatementJob {

  private final Duration perAccount;

  public StatementJob(Duration perAccount) {
    this.perAccount = perAccount;
  }

  /** Returns the number of statements rendered. */
  public int run(StatementRun run) throws InterruptedException {
    for (int account = 1; account <= run.accounts(); account++) {
      renderStatement(account);
    }
    return run.accounts();
  }

  void renderStatement(int account) throws InterruptedException {
    // Stands for the ledger queries and the PDF rendering of one statement.
    Thread.sleep(perAccount.toMillis());
  }
}
