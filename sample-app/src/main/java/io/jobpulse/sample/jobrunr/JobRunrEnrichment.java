package io.jobpulse.sample.jobrunr;

import static org.jobrunr.server.BackgroundJobServerConfiguration.usingStandardBackgroundJobServerConfiguration;

import io.jobpulse.sample.jobs.EnrichmentBatch;
import io.jobpulse.sample.jobs.FirmEnrichmentJob;
import java.nio.charset.StandardCharsets;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import org.jobrunr.configuration.JobRunr;
import org.jobrunr.scheduling.BackgroundJob;
import org.jobrunr.server.JobActivator;
import org.jobrunr.storage.InMemoryStorageProvider;

/**
 * Runs one enrichment batch the way a JobRunr application does: in-memory storage, a background
 * job server with one worker, the batch enqueued as an {@link EnrichmentJobs#enrich} job. Waits
 * for it and stops JobRunr.
 */
public final class JobRunrEnrichment {

  private JobRunrEnrichment() {}

  /**
   * Returns the number of firms enriched; with {@code rejected}, the job throws once the batch is
   * enriched, as when the registry refuses its results.
   */
  public static int run(EnrichmentBatch batch, FirmEnrichmentJob enrichment, boolean rejected)
      throws InterruptedException, ExecutionException {
    EnrichmentJobs jobs = new EnrichmentJobs(batch, enrichment, rejected);
    JobRunr.configure()
        .useJobActivator(activatorOf(jobs))
        .useStorageProvider(new InMemoryStorageProvider())
        .useBackgroundJobServer(usingStandardBackgroundJobServerConfiguration().andWorkerCount(1))
        .initialize();
    try {
      String batchId = batch.batchId();
      BackgroundJob.enqueue(jobId(batchId), () -> jobs.enrich(batchId));
      return jobs.result().get();
    } finally {
      JobRunr.destroy();
    }
  }

  /** Derived from the batch id, so enqueueing a batch twice is one job (JobRunr's idempotent enqueue). */
  public static UUID jobId(String batchId) {
    return UUID.nameUUIDFromBytes(batchId.getBytes(StandardCharsets.UTF_8));
  }

  private static JobActivator activatorOf(EnrichmentJobs jobs) {
    return new JobActivator() {
      @Override
      public <T> T activateJob(Class<T> type) {
        return type.isInstance(jobs) ? type.cast(jobs) : null;
      }
    };
  }
}
