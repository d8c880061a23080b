package io.jobpulse.sample.quartz;

import io.jobpulse.sample.jobs.EnrichmentBatch;
import io.jobpulse.sample.jobs.FirmEnrichmentJob;
import java.util.Properties;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import org.quartz.JobBuilder;
import org.quartz.JobDataMap;
import org.quartz.JobDetail;
import org.quartz.Scheduler;
import org.quartz.SchedulerException;
import org.quartz.TriggerBuilder;
import org.quartz.impl.StdSchedulerFactory;

/**
 * Runs one enrichment batch the way a Quartz application does: an in-memory scheduler, a job
 * {@code enrichment.<batch id>} fired once, now. Waits for it and shuts the scheduler down.
 */
public final class QuartzEnrichment {

  private static final String GROUP = "enrichment";

  private QuartzEnrichment() {}

  /** Returns the number of firms enriched. */
  public static int run(EnrichmentBatch batch, FirmEnrichmentJob enrichment)
      throws SchedulerException, InterruptedException, ExecutionException {
    Properties settings = new Properties();
    settings.setProperty(StdSchedulerFactory.PROP_SCHED_INSTANCE_NAME, "sample-app");
    settings.setProperty("org.quartz.threadPool.threadCount", "1");
    settings.setProperty(StdSchedulerFactory.PROP_JOB_STORE_CLASS, "org.quartz.simpl.RAMJobStore");
    Scheduler scheduler = new StdSchedulerFactory(settings).getScheduler();
    try {
      CompletableFuture<Integer> result = new CompletableFuture<>();
      JobDataMap data = new JobDataMap();
      data.put(EnrichmentQuartzJob.BATCH, batch);
      data.put(EnrichmentQuartzJob.ENRICHMENT, enrichment);
      data.put(EnrichmentQuartzJob.RESULT, result);
      JobDetail job =
          JobBuilder.newJob(EnrichmentQuartzJob.class)
              .withIdentity(batch.batchId(), GROUP)
              .usingJobData(data)
              .build();
      scheduler.start();
      scheduler.scheduleJob(job, TriggerBuilder.newTrigger().startNow().build());
      return result.get();
    } finally {
      scheduler.shutdown(true);
    }
  }
}
