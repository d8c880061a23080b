package io.jobpulse.collector.alert;

import io.jobpulse.collector.state.Flag;
import io.jobpulse.collector.state.Job;
import io.jobpulse.collector.state.JobStatus;
import io.jobpulse.collector.state.StateListener;
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

  AlertPlanner(AlertConfig config, Clock clock, AlertSender sender) {
    this.config = config;
    this.clock = clock;
    this.sender = sender;
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
  }

  @Override
  public void committed(List<JobChange> jobs, List<WorkerChange> workers) {
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
