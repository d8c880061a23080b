package io.jobpulse.sample.jobs;

import java.time.Duration;

/**
 * Pays a period's employees one by one. Run twice at once for the same period (two scheduler
 * nodes without a shared lock both fired it), it pays everyone twice.
 */
public final class PayrollJob {

  private final Duration perEmployee;

  public PayrollJob(Duration perEmployee) {
    this.perEmployee = perEmployee;
  }

  /** Returns the number of employees paid. */
  public int run(PayrollRun run) throws InterruptedException {
    for (int employee = 1; employee <= run.employees(); employee++) {
      pay(employee);
    }
    return run.employees();
  }

  void pay(int employee) throws InterruptedException {
    // Stands for the transfer order sent to the bank.
    Thread.sleep(perEmployee.toMillis());
  }
}
