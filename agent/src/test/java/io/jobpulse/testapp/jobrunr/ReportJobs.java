package io.jobpulse.testapp.jobrunr;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import org.jobrunr.jobs.annotations.Job;
import org.jobrunr.jobs.context.JobContext;
import org.jobrunr.jobs.context.JobDashboardProgressBar;

/** Ordinary JobRunr jobs: one with a display name, one with a progress bar, one that fails. */
public class ReportJobs {

  static final CountDownLatch RAN = new CountDownLatch(3);
  private static final List<String> LOG = new CopyOnWriteArrayList<>();

  @Job(name = "Build report %0")
  public static void build(String report) {
    LOG.add("built " + report);
    RAN.countDown();
  }

  public static void index(JobContext context, int documents) {
    JobDashboardProgressBar progress = context.progressBar(documents);
    for (int i = 1; i <= documents; i++) {
      progress.setProgress(i);
    }
    LOG.add("indexed " + documents + " documents");
    RAN.countDown();
  }

  @Job(name = "Export %0", retries = 0)
  public static void export(String report) {
    try {
      LOG.add("exporting " + report);
      throw new IllegalStateException("export target is full");
    } finally {
      RAN.countDown();
    }
  }

  /** In a fixed order: the jobs run on their own threads, in no particular order. */
  static void printLog() {
    LOG.stream().sorted().forEach(System.out::println);
  }
}
