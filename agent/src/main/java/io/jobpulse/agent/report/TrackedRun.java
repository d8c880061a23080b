package io.jobpulse.agent.report;

import io.jobpulse.agent.instrument.Site;
import io.jobpulse.agent.run.JobRun;
import io.opentelemetry.api.trace.Span;

/** The reporter's view of one run in progress. Reporter thread only. */
final class TrackedRun {

  final JobRun run;
  final Site site;
  final TrackedRun parent;
  final String businessId;
  /** The item total, or {@code -1} when unknown. */
  final long total;

  /** The open {@code jobpulse.job} span, once the run has one. */
  Span span;
  /** The span id in hex: the run's {@code jobpulse.job.id}; set with {@link #span}. */
  String id;
  boolean announced;
  boolean finished;
  /** Fingerprint of the thread's stack at the previous heartbeat; 0 before the first. */
  int stackFingerprint;

  TrackedRun(JobRun run, Site site, TrackedRun parent, String businessId, long total) {
    this.run = run;
    this.site = site;
    this.parent = parent;
    this.businessId = businessId;
    this.total = total;
  }
}
