package io.jobpulse.sample.jobs;

import java.time.Duration;

/** One partner export, run by the export executor. */
public final class ExportTask implements Runnable {

  private final String partner;
  private final Duration duration;

  public ExportTask(String partner, Duration duration) {
    this.partner = partner;
    this.duration = duration;
  }

  public String partner() {
    return partner;
  }

  @Override
  public void run() {
    try {
      // Stands for building and uploading the partner's file.
      Thread.sleep(duration.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
