package io.jobpulse.sample.spring;

import io.jobpulse.sample.jobs.EnrichmentBatch;
import io.jobpulse.sample.jobs.FirmEnrichmentJob;
import java.util.concurrent.CompletableFuture;
import org.springframework.scheduling.annotation.Scheduled;

/**
 * The firm enrichment as a Spring {@code @Scheduled} bean: due at start, then daily. The
 * application stops after the first run, so it runs once.
 */
public class ScheduledEnrichment {

  private final EnrichmentBatch batch;
  private final FirmEnrichmentJob enrichment;
  private final CompletableFuture<Integer> firstRun = new CompletableFuture<>();

  public ScheduledEnrichment(EnrichmentBatch batch, FirmEnrichmentJob enrichment) {
    this.batch = batch;
    this.enrichment = enrichment;
  }

  @Scheduled(initialDelay = 0, fixedDelay = 24 * 60 * 60 * 1000)
  public void enrichFirms() throws InterruptedException {
    try {
      firstRun.complete(enrichment.run(batch));
    } catch (InterruptedException | RuntimeException e) {
      firstRun.completeExceptionally(e);
      throw e;
    }
  }

  CompletableFuture<Integer> firstRun() {
    return firstRun;
  }
}
