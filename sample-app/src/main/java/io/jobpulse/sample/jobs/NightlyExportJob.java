package io.jobpulse.sample.jobs;

import java.io.PrintStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * Hands the night's partner exports to a one-thread export executor and waits for them
 * (pending-jobs-timeout.md). The full export of the biggest partner goes first and takes all
 * night; every other export waits behind it in the executor's queue, enqueued but never started.
 */
public final class NightlyExportJob {

  private final Duration fullExport;
  private final Duration smallExport;
  private final PrintStream out;

  public NightlyExportJob(Duration fullExport, Duration smallExport, PrintStream out) {
    this.fullExport = fullExport;
    this.smallExport = smallExport;
    this.out = out;
  }

  /** Returns the number of exports done: the full one and {@code partners} small ones. */
  public int run(int partners) throws InterruptedException, ExecutionException {
    ThreadPoolExecutor exporter =
        new ThreadPoolExecutor(1, 1, 0, TimeUnit.MILLISECONDS, new LinkedBlockingQueue<>(),
            task -> new Thread(task, "export-executor"));
    try {
      List<Future<?>> exports = new ArrayList<>();
      exports.add(exporter.submit(new ExportTask("partner-full", fullExport)));
      for (int partner = 1; partner <= partners; partner++) {
        exports.add(exporter.submit(new ExportTask("partner-" + partner, smallExport)));
      }
      out.println("queued " + exports.size() + " exports");
      for (Future<?> export : exports) {
        export.get();
      }
      return exports.size();
    } finally {
      exporter.shutdownNow();
    }
  }
}
