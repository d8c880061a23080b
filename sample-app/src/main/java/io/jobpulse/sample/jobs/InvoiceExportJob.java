package io.jobpulse.sample.jobs;

import java.time.Duration;
import java.util.concurrent.Semaphore;

/**
 * Exports invoices one by one, each over a connection borrowed from a small pool. The export path
 * lost its {@code finally { release }} in a refactoring: every invoice leaks its connection, and
 * once the pool is empty the next borrow waits for ever. The batch stops advancing; its thread sits
 * WAITING in the pool, alive, with nothing in any log (silent-thread-death.md: "stuck at 10%").
 */
public final class InvoiceExportJob {

  private final Semaphore connections;
  private final Duration perInvoice;

  public InvoiceExportJob(int poolSize, Duration perInvoice) {
    this.connections = new Semaphore(poolSize);
    this.perInvoice = perInvoice;
  }

  /** Returns the number of invoices exported. */
  public int run(InvoiceBatch batch) throws InterruptedException {
    for (int invoice = 1; invoice <= batch.invoices(); invoice++) {
      exportInvoice(invoice);
    }
    return batch.invoices();
  }

  void exportInvoice(int invoice) throws InterruptedException {
    connections.acquire();
    // Stands for the call to the accounting system; the connection is never handed back.
    Thread.sleep(perInvoice.toMillis());
  }
}
