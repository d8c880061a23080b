package io.jobpulse.testapp.jobrunr;

import java.util.concurrent.TimeUnit;
import org.jobrunr.configuration.JobRunr;
import org.jobrunr.jobs.context.JobContext;
import org.jobrunr.scheduling.BackgroundJob;
import org.jobrunr.server.BackgroundJobServerConfiguration;
import org.jobrunr.storage.InMemoryStorageProvider;

/** An application that runs a few background jobs on a JobRunr server, prints what they did, then exits. */
public class JobRunrApp {

  public static void main(String[] args) throws Exception {
    JobRunr.configure()
        .useStorageProvider(new InMemoryStorageProvider())
        .useBackgroundJobServer(BackgroundJobServerConfiguration.usingStandardBackgroundJobServerConfiguration().andWorkerCount(2))
        .initialize();
    BackgroundJob.enqueue(() -> ReportJobs.build("r-1"));
    BackgroundJob.enqueue(() -> ReportJobs.index(JobContext.Null, 3));
    BackgroundJob.enqueue(() -> ReportJobs.export("r-2"));
    if (!ReportJobs.RAN.await(60, TimeUnit.SECONDS)) {
      System.out.println("the jobs never ran");
    }
    JobRunr.destroy();
    ReportJobs.printLog();
  }
}
