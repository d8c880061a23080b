package io.jobpulse.sample.quartz;

import io.jobpulse.sample.jobs.EnrichmentBatch;
import io.jobpulse.sample.jobs.FirmEnrichmentJob;
import java.util.concurrent.CompletableFuture;
import org.quartz.Job;
import org.quartz.JobDataMap;
import org.quartz.JobExecutionContext;
import org.quartz.JobExecutionException;

/** The firm enrichment as a Quartz job: the batch and the enrichment come in its data map. */
public final class EnrichmentQuartzJob implements Job {

  static final String BATCH = "batch";
  static final String ENRICHMENT = "enrichment";
  static final String RESULT = "result";

  @Override
  public void execute(JobExecutionContext context) throws JobExecutionException {
    JobDataMap data = context.getMergedJobDataMap();
    @SuppressWarnings("unchecked")
    CompletableFuture<Integer> result = (CompletableFuture<Integer>) data.get(RESULT);
    try {
      FirmEnrichmentJob enrichment = (FirmEnrichmentJob) data.get(ENRICHMENT);
      result.complete(enrichment.run((EnrichmentBatch) data.get(BATCH)));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      result.completeExceptionally(e);
      throw new JobExecutionException(e);
    } catch (RuntimeException e) {
      result.completeExceptionally(e);
      throw new JobExecutionException(e);
    }
  }
}
