package io.jobpulse.agent.report;

import io.jobpulse.agent.instrument.Site;
import io.jobpulse.agent.instrument.preset.RunFacts;
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
  /** {@code jobpulse.job.name}: the site's {@code Class#method} unless a preset names the job. */
  final String name;
  final long attempt;
  /** A preset's live progress of the run, or {@code null}: then item methods count it. */
  final RunFacts.Progress progress;

  /** The open {@code jobpulse.job} span, once the run has one. */
  Span span;
  /** The run's {@code jobpulse.job.id} ({@link JobRun#id()}); set with {@link #span}. */
  String id;
  boolean announced;
  /** A task that waited in its queue beyond the announce delay was said to be pending. */
  boolean pendingAnnounced;
  /** Its child runs still tracked: task runs may outlive their parent. */
  int liveChildren;
  boolean finished;
  /** Fingerprint of the thread's stack at the previous heartbeat; 0 before the first. */
  int stackFingerprint;

  TrackedRun(JobRun run, Site site, TrackedRun parent, String businessId, long total) {
    this(run, site, parent, businessId, total, null);
  }

  /** {@code facts}: what the site's preset read from the arguments, or {@code null}. */
  TrackedRun(JobRun run, Site site, TrackedRun parent, String businessId, long total, RunFacts facts) {
    this.run = run;
    this.site = site;
    this.parent = parent;
    this.businessId = businessId != null || facts == null ? businessId : facts.businessId();
    this.total = total;
    this.name = facts != null && facts.jobName() != null ? facts.jobName() : site.jobName();
    this.attempt = facts == null ? 1 : facts.attempt();
    this.progress = facts == null ? null : facts.progress();
  }

  /** Units done: the preset's progress when it knows, else the item methods returned so far. */
  long done() {
    long items = run.done();
    long reported = progress == null ? -1 : progress.done();
    return Math.max(items, reported);
  }

  /** The total: the preset's progress when it knows one, else the extracted one; -1 when unknown. */
  long total() {
    long reported = progress == null ? -1 : progress.total();
    return reported >= 0 ? reported : total;
  }
}
