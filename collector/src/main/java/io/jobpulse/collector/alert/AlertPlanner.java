package io.jobpulse.collector.alert;

import io.jobpulse.collector.state.Flag;
import io.jobpulse.collector.state.Job;
import io.jobpulse.collector.state.JobStatus;
import io.jobpulse.collector.state.SpanEvent.RunSummary;
import io.jobpulse.collector.state.StateListener;
import io.jobpulse.collector.state.WorkerIdentity;
import io.jobpulse.collector.store.Keyspace;
import io.jobpulse.collector.store.StoreBatch;
import java.time.Clock;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Decides which changes are alerts and writes them to the outbox in the SAME batch as the change
 * itself: a crash can never keep the one without the other.
 *
 * <p>A flag raised on a run is an alert, once per (run, flag type) however often it is raised
 * ({@link Job#raisedFlags()}). The runs of one worker
 * that a transaction ends with the same flag (its crash, its exit, an operator's reset) make one
 * grouped alert listing them all: each further run of the group re-writes the group's outbox
 * entries in the batch, and the batch keeps the last write. A run completing is a notice for the
 * targets that asked for them.
 *
 * <p>A job name failing again and again is a {@code job_failing} alert ({@link FailureStorms}):
 * counted are the runs whose change takes them from not ended (or unknown) to {@code COMPLETED} or
 * {@code FAILED} (never a duplicate or a reconciliation), and the short-run summaries as completed
 * runs; runs ended by a flag ({@code CRASHED}, {@code LOST}, {@code ABANDONED}) alert as flags.
 *
 * <p>Runs on the ingest thread (see {@link StateListener}); the sender is only woken.
 */
final class AlertPlanner implements StateListener {

  private final AlertConfig config;
  private final Clock clock;
  private final AlertSender sender;
  /** The grouped alerts of the transaction being staged. */
  private final Map<String, Alert> groups = new HashMap<>();
  private StoreBatch groupsIn;
  /** Whether an outbox entry was staged since the sender was last woken. */
  private boolean staged;
  /** {@code null} when failure-storm alerts are off. */
  private final FailureStorms storms;
  /** The transaction {@link #storms} counts for: a different one means the last one's write failed. */
  private StoreBatch countingIn;

  AlertPlanner(AlertConfig config, Clock clock, AlertSender sender) {
    this.config = config;
    this.clock = clock;
    this.sender = sender;
    this.storms = config.failures().enabled() ? new FailureStorms(config.failures(), clock) : null;
  }

  @Override
  public void staging(Job before, Job after, StoreBatch batch) {
    if (batch != groupsIn) {
      groups.clear();
      groupsIn = batch;
    }
    long now = clock.millis();
    Flag flag = after.flag();
    // Once per run and flag type: a run that stalls, resumes and stalls again alerts once.
    boolean newFlag = flag != null && (before == null || !before.wasFlagged(flag.type()));
    if (newFlag && flag.type().endsRun() && after.worker() != null) {
      String groupKey = "worker:" + after.worker() + ":" + flag.type() + ":" + flag.flaggedAt();
      Alert group = groups.get(groupKey);
      group = group == null
          ? new Alert(groupKey, Alert.WORKER_JOBS_FLAGGED, flag.type().name(), flag.reason(), after.worker(), now, List.of(after))
          : group.with(after);
      groups.put(groupKey, group);
      stage(group, batch, false);
    } else if (newFlag) {
      stage(new Alert("job:" + after.id() + ":" + flag.type(), Alert.JOB_FLAGGED, flag.type().name(), flag.reason(),
          null, now, List.of(after)), batch, false);
    } else if (after.status() == JobStatus.COMPLETED && (before == null || before.status() != JobStatus.COMPLETED)) {
      stage(new Alert("completed:" + after.id(), Alert.JOB_COMPLETED, null, null, null, now, List.of(after)),
          batch, true);
    }
    if (storms != null) {
      countEnd(before, after, batch, now);
    }
  }

  /** Counts a run ending COMPLETED or FAILED by this change; stages the alert of a storm it makes. */
  private void countEnd(Job before, Job after, StoreBatch batch, long now) {
    JobStatus status = after.status();
    if (after.name() == null || (status != JobStatus.COMPLETED && status != JobStatus.FAILED)
        || (before != null && before.status().isTerminal())) {
      return;
    }
    counting(batch);
    if (status == JobStatus.COMPLETED) {
      storms.completed(after.service(), after.name(), 1);
      return;
    }
    FailureStorms.Storm storm = storms.failed(after.service(), after.name());
    if (storm != null) {
      stage(new Alert(storm.idempotencyKey(), Alert.JOB_FAILING, null, AlertMessages.failingReason(storm, after), null,
          now, List.of(after), storm), batch, false);
    }
  }

  /** Short runs that completed unannounced count as completed runs of their name. */
  @Override
  public void summarized(WorkerIdentity worker, RunSummary summary, StoreBatch batch) {
    if (storms != null && summary.count() > 0 && summary.name() != null) {
      counting(batch);
      storms.completed(worker.service(), summary.name(), summary.count());
    }
  }

  @Override
  public void beforeWrite(StoreBatch batch) {
    if (storms != null) {
      counting(batch);
    }
  }

  /** Takes back the counts of a transaction that never committed, once the next one begins. */
  private void counting(StoreBatch batch) {
    if (batch != countingIn) {
      storms.rollback();
      countingIn = batch;
    }
  }

  @Override
  public void committed(List<JobChange> jobs, List<WorkerChange> workers) {
    if (storms != null) {
      storms.commit();
    }
    if (staged) {
      staged = false;
      sender.wake();
    }
  }

  private void stage(Alert alert, StoreBatch batch, boolean completion) {
    long now = clock.millis();
    for (AlertConfig.Webhook webhook : config.webhooks()) {
      if (completion && !webhook.notifyCompleted()) {
        continue;
      }
      OutboxEntry entry = new OutboxEntry(alert.idempotencyKey(), webhook.url().toString(), webhook.format(),
          AlertMessages.render(alert, webhook.format()), 0, now, now);
      batch.put(Keyspace.ALERT_OUTBOX, entry.key(), entry.encode());
      staged = true;
    }
  }
}
