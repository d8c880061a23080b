package io.jobpulse.collector.api;

import io.jobpulse.collector.metrics.JobCounts;
import io.jobpulse.collector.state.Job;
import io.jobpulse.collector.state.JobStatus;
import io.jobpulse.collector.store.JobQuery;
import io.jobpulse.collector.store.JobStore;
import io.jobpulse.collector.store.StoreBatch;
import java.util.List;

/**
 * {@code DELETE /api/jobs?status=X}: removes runs that are over, one page at a time, each page in
 * its own task on the ingest thread (the store's single writer) so that ingest is never held up
 * for long. A run still live is never touched: the status must be a terminal one, and each run's
 * stored status is checked again right before its removal.
 */
final class TerminalJobRemoval {

  static final int PAGE = 500;

  /** One page's outcome: how many were removed, and where the next page starts ({@code null}: done). */
  record Page(int removed, String next) {}

  private final JobStore store;
  private final JobCounts counts;

  TerminalJobRemoval(JobStore store, JobCounts counts) {
    this.store = store;
    this.counts = counts;
  }

  /**
   * Removes the runs in {@code status} that ended before {@code endedBefore} (epoch millis;
   * {@code Long.MAX_VALUE} for all) among the page after {@code cursor}. Ingest thread only.
   */
  Page removePage(JobStatus status, long endedBefore, String cursor) {
    if (!status.isTerminal()) {
      throw new IllegalArgumentException(status + " runs are live and are never removed");
    }
    List<Job> page = store.jobs(new JobQuery(status.name(), null, null, PAGE, cursor, 0));
    int removed = 0;
    try (StoreBatch batch = store.newBatch()) {
      for (Job job : page) {
        // The label index lists a run under its flag too (COMPLETED after a CRASHED flag): only its status counts.
        long endedAt = job.endedAt() != null ? job.endedAt() : job.lastSeenAt() != null ? job.lastSeenAt() : job.sortTime();
        if (job.status() == status && endedAt < endedBefore) {
          batch.deleteJob(job);
          counts.stage(job, null, batch);
          removed++;
        }
      }
      if (removed > 0) {
        counts.writeStaged(batch);
        store.write(batch);
        counts.commit();
      }
    }
    String next = page.size() < PAGE ? null : JobQuery.cursorOf(page.get(page.size() - 1));
    return new Page(removed, next);
  }
}
