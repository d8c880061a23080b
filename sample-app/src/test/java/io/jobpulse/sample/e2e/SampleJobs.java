package io.jobpulse.sample.e2e;

import io.jobpulse.sample.jobs.FirmEnrichmentJob;
import io.jobpulse.sample.jobs.ReportJob;
import io.jobpulse.sample.jobs.StuckImportJob;
import java.time.Duration;

/** The sample app's job methods, as the agent is told about them and the API names them. */
final class SampleJobs {

  static final String ENRICH = FirmEnrichmentJob.class.getName() + "#run";
  static final String REPORT = ReportJob.class.getName() + "#generate";
  static final String IMPORT = StuckImportJob.class.getName() + "#run";

  /** {@code jobpulse.jobs}: the batch id is the business id, its firms the item total. */
  static final String JOBS_MATCHERS =
      ENRICH + "(id=arg0.batchId,total=arg0.firms.size);" + REPORT + ";" + IMPORT;

  /** {@code jobpulse.items}: one enriched firm is one unit of progress. */
  static final String ITEM_MATCHERS = FirmEnrichmentJob.class.getName() + "#enrichFirm";

  static final String SERVICE_NAME = "sample-app";

  /** Short, so a test sees a dead worker flagged in seconds. */
  static final Duration HEARTBEAT_INTERVAL = Duration.ofMillis(500);

  /** How long a worker may stay silent before the collector may call it dead. */
  static final Duration HEARTBEAT_TIMEOUT =
      HEARTBEAT_INTERVAL.multipliedBy(CollectorProcess.HEARTBEAT_MISSES);

  private SampleJobs() {}
}
