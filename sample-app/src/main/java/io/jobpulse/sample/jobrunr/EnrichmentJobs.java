package io.jobpulse.sample.jobrunr;

import io.jobpulse.sample.jobs.EnrichmentBatch;
import io.jobpulse.sample.jobs.FirmEnrichmentJob;
import java.util.concurrent.CompletableFuture;
import org.jobrunr.jobs.annotations.Job;

/**
 * The firm enrichment as a JobRunr background job. JobRunr stores the call ({@code
 * enrich(batchId)}) and, to run it, asks the application's job activator for this instance, which
 * holds the batch.
 */
public class EnrichmentJobs {

  private final EnrichmentBatch batch;
  private final FirmEnrichmentJob enrichment;
  private final boolean rejected;
  private final CompletableFuture<Integer> result = new CompletableFuture<>();

  EnrichmentJobs(EnrichmentBatch batch, FirmEnrichmentJob enrichment, boolean rejected) {
    this.batch = batch;
    this.enrichment = enrichment;
    this.rejected = rejected;
  }

  /** No retries: the application runs this one job and exits. */
  @Job(name = "Enrich batch %0", retries = 0)
  public void enrich(String batchId) throws InterruptedException {
    try {
      int enriched = enrichment.run(batch);
      if (rejected) {
        throw new IllegalStateException("registry rejected the results of batch " + batchId);
      }
      result.complete(enriched);
    } catch (InterruptedException | RuntimeException e) {
      result.completeExceptionally(e);
      throw e;
    }
  }

  CompletableFuture<Integer> result() {
    return result;
  }
}
