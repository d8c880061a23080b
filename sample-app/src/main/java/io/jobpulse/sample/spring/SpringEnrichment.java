package io.jobpulse.sample.spring;

import io.jobpulse.sample.jobs.EnrichmentBatch;
import io.jobpulse.sample.jobs.FirmEnrichmentJob;
import java.util.concurrent.ExecutionException;
import org.springframework.context.annotation.AnnotationConfigApplicationContext;
import org.springframework.context.annotation.Configuration;
import org.springframework.scheduling.annotation.EnableScheduling;

/**
 * Runs one enrichment batch the way a Spring application does: an application context with
 * scheduling enabled and a {@link ScheduledEnrichment} bean. Waits for its first run and closes
 * the context.
 */
public final class SpringEnrichment {

  @Configuration(proxyBeanMethods = false)
  @EnableScheduling
  static class SchedulingConfig {}

  private SpringEnrichment() {}

  /** Returns the number of firms enriched. */
  public static int run(EnrichmentBatch batch, FirmEnrichmentJob enrichment)
      throws InterruptedException, ExecutionException {
    try (AnnotationConfigApplicationContext context = new AnnotationConfigApplicationContext()) {
      context.register(SchedulingConfig.class);
      context.registerBean(
          ScheduledEnrichment.class, () -> new ScheduledEnrichment(batch, enrichment));
      context.refresh();
      return context.getBean(ScheduledEnrichment.class).firstRun().get();
    }
  }
}
