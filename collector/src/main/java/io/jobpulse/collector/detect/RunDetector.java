package io.jobpulse.collector.detect;

import io.jobpulse.collector.state.Flag;
import io.jobpulse.collector.state.FlagType;
import io.jobpulse.collector.state.Job;
import io.jobpulse.collector.state.JobStateMachine;
import io.jobpulse.collector.state.JobStatus;
import io.jobpulse.collector.state.StateListener;
import io.jobpulse.collector.state.Worker;
import io.jobpulse.contract.ConfigKeys;
import io.jobpulse.contract.Durations;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.NavigableSet;
import java.util.TreeSet;

/**
 * Flags live runs by their job name's {@link JobLimits}: {@code STUCK} (running longer than the max
 * runtime), {@code STALLED} (a heartbeat shows no progress, neither item count nor stack, for the
 * stall timeout), {@code PENDING_TOO_LONG} (enqueued and not started within the queue timeout) and
 * {@code LOST} (its worker's heartbeats left it out {@code lostAfter} times in a row and no end
 * came).
 *
 * <p>A tick costs what is due, not what is stored or live: each live run has at most one entry in
 * a deadline queue ordered by due time, (re)computed when the run changes (this is a {@link
 * StateListener}). STUCK and PENDING_TOO_LONG are due at a time; LOST and STALLED are due as soon
 * as the heartbeat that proves them is committed, and are flagged at the next tick.
 *
 * <p>Runtimes and waits are counted on the collector's clock ({@link Job#runningSince()}, {@link
 * Job#waitingSince()}): the worker's own timestamps only tell how long the run had run when it was
 * announced, so a worker whose clock is set hours wrong is flagged like any other.
 *
 * <p>After a collector restart, nothing is flagged before one full heartbeat timeout of the run's
 * worker has passed, and a stall counts from the restart at the earliest: the collector's own
 * downtime is not the workers' fault.
 *
 * <p>Single-threaded: every method runs on the ingest thread.
 */
public final class RunDetector implements Detector, StateListener {

  private static final long NEVER = Long.MAX_VALUE;
  private static final long DEFAULT_INTERVAL_MS = Durations.parse(ConfigKeys.DEFAULT_HEARTBEAT_INTERVAL).toMillis();

  private final JobStateMachine stateMachine;
  private final DetectionSettings settings;
  private final int heartbeatMisses;
  /** Written once the ports are bound (start-up thread), read by ticks (ingest thread). */
  private volatile long collectorStartedAt;
  /** Each scheduled run once, by due time; {@link #dueById} says which entry is current. */
  private final NavigableSet<Deadline> deadlines = new TreeSet<>();
  private final Map<String, Long> dueById = new HashMap<>();
  /** How many deadlines the last tick took out of the queue. */
  private int examined;

  /** A run's next check. Ordered by due time, then id, so two runs due together both stay. */
  private record Deadline(long due, String jobId) implements Comparable<Deadline> {
    @Override
    public int compareTo(Deadline other) {
      int byDue = Long.compare(due, other.due);
      return byDue != 0 ? byDue : jobId.compareTo(other.jobId);
    }
  }

  /**
   * Registers with {@code stateMachine} and schedules its live runs.
   *
   * @param heartbeatMisses the heartbeat timeout, in intervals of each run's worker, of the
   *     restart grace
   */
  public RunDetector(JobStateMachine stateMachine, DetectionSettings settings, int heartbeatMisses,
      long collectorStartedAt) {
    this.stateMachine = stateMachine;
    this.settings = settings;
    this.heartbeatMisses = heartbeatMisses;
    this.collectorStartedAt = collectorStartedAt;
    for (Job job : stateMachine.liveJobs()) {
      schedule(job);
    }
    stateMachine.addListener(this);
  }

  /** Starts the restart grace at {@code now}: the moment workers can reach the collector again. */
  public void listeningSince(long now) {
    collectorStartedAt = now;
  }

  @Override
  public int tick(JobStateMachine ignored, long now) {
    // Take the due entries out first: raising a flag commits, and the commit reschedules.
    List<Deadline> due = new ArrayList<>();
    while (!deadlines.isEmpty() && deadlines.first().due() <= now) {
      Deadline deadline = deadlines.pollFirst();
      dueById.remove(deadline.jobId());
      due.add(deadline);
    }
    examined = due.size();
    int flagged = 0;
    for (Deadline deadline : due) {
      Job job = stateMachine.liveJob(deadline.jobId());
      if (job == null) {
        continue;
      }
      Flag flag = judge(job, now);
      if (flag != null && stateMachine.raiseFlag(job.id(), flag)) {
        flagged++;
      } else {
        schedule(job);
      }
    }
    return flagged;
  }

  @Override
  public void committed(List<JobChange> jobs, List<WorkerChange> workers) {
    for (JobChange change : jobs) {
      Job after = change.after();
      if (after.status().isTerminal()) {
        unschedule(after.id());
      } else {
        schedule(after);
      }
    }
  }

  /** How many deadlines the last tick took out of the queue: the runs due, whatever the store holds. */
  int examined() {
    return examined;
  }

  /** How many runs have a check scheduled (at most the live runs). */
  int scheduled() {
    return deadlines.size();
  }

  private void schedule(Job job) {
    long due = nextDue(job);
    Long current = dueById.get(job.id());
    if (current != null && current == due) {
      return;
    }
    unschedule(job.id());
    if (due != NEVER) {
      deadlines.add(new Deadline(due, job.id()));
      dueById.put(job.id(), due);
    }
  }

  private void unschedule(String jobId) {
    Long current = dueById.remove(jobId);
    if (current != null) {
      deadlines.remove(new Deadline(current, jobId));
    }
  }

  /** The earliest time one of the run's checks may hold, {@link #NEVER} when none can yet. */
  private long nextDue(Job job) {
    long due = lostDue(job);
    if (hasLiveFlag(job)) {
      return due; // one live flag at a time; only LOST, which ends the run, still applies
    }
    JobLimits limits = settings.limitsFor(job.name());
    return Math.min(due, Math.min(stallDue(job, limits), Math.min(stuckDue(job, limits), queueDue(job, limits))));
  }

  /** The flag the run earned by {@code now}, the strongest first; {@code null} when none. */
  private Flag judge(Job job, long now) {
    if (lostDue(job) <= now) {
      return lost(job, now);
    }
    if (hasLiveFlag(job)) {
      return null;
    }
    JobLimits limits = settings.limitsFor(job.name());
    if (stallDue(job, limits) <= now) {
      return stalled(job, limits, now);
    }
    if (stuckDue(job, limits) <= now) {
      long deadline = job.runningSince() + limits.maxRuntime().toMillis();
      return new Flag(FlagType.STUCK, "running for " + Durations.format(Duration.ofMillis(now - job.runningSince()))
          + ", longer than its max runtime of " + Durations.format(limits.maxRuntime()), now, Math.max(0, now - deadline));
    }
    if (queueDue(job, limits) <= now) {
      long enqueuedAt = job.waitingSince();
      long deadline = enqueuedAt + limits.queueTimeout().toMillis();
      return new Flag(FlagType.PENDING_TOO_LONG, "enqueued " + Durations.format(Duration.ofMillis(now - enqueuedAt))
          + " ago and not started; its queue timeout is " + Durations.format(limits.queueTimeout()), now,
          Math.max(0, now - deadline));
    }
    return null;
  }

  private long lostDue(Job job) {
    return job.missedHeartbeats() >= settings.lostAfter() ? graceEnd(job) : NEVER;
  }

  /** Due once a heartbeat received after the stall deadline still shows no progress. */
  private long stallDue(Job job, JobLimits limits) {
    if (job.status() != JobStatus.RUNNING || limits.stallTimeout() == null || job.lastSeenAt() == null) {
      return NEVER;
    }
    return job.lastSeenAt() > stallDeadline(job, limits) ? job.lastSeenAt() : NEVER;
  }

  private long stuckDue(Job job, JobLimits limits) {
    if (job.status() != JobStatus.RUNNING || limits.maxRuntime() == null) {
      return NEVER;
    }
    return Math.max(job.runningSince() + limits.maxRuntime().toMillis() + 1, graceEnd(job));
  }

  private long queueDue(Job job, JobLimits limits) {
    if (job.status() != JobStatus.PENDING || limits.queueTimeout() == null) {
      return NEVER;
    }
    return Math.max(job.waitingSince() + limits.queueTimeout().toMillis() + 1, graceEnd(job));
  }

  private long stallDeadline(Job job, JobLimits limits) {
    long lastProgress = job.lastProgressAt() != null ? job.lastProgressAt() : job.firstSeenAt();
    return Math.max(lastProgress, collectorStartedAt) + limits.stallTimeout().toMillis();
  }

  private Flag lost(Job job, long now) {
    Worker worker = stateMachine.aliveWorker(job.worker());
    long evidenceAt = worker != null && worker.lastHeartbeatAt() != null ? worker.lastHeartbeatAt() : now;
    return new Flag(FlagType.LOST, "worker " + job.worker() + " is alive but its last " + job.missedHeartbeats()
        + " heartbeats did not list the run, and no end arrived", now, Math.max(0, now - evidenceAt));
  }

  private Flag stalled(Job job, JobLimits limits, long now) {
    long deadline = stallDeadline(job, limits);
    long since = deadline - limits.stallTimeout().toMillis();
    StringBuilder reason = new StringBuilder("no progress for ")
        .append(Durations.format(Duration.ofMillis(now - since)))
        .append(" (").append(job.progressDone()).append(" items done, stack not moved; stall timeout ")
        .append(Durations.format(limits.stallTimeout())).append(")");
    if (job.threadState() != null || job.stackTop() != null) {
      reason.append(": thread ").append(job.threadName() != null ? job.threadName() : "?");
      if (job.threadState() != null) {
        reason.append(" is ").append(job.threadState());
      }
      if (job.stackTop() != null) {
        reason.append(" at ").append(job.stackTop());
      }
    }
    return new Flag(FlagType.STALLED, reason.toString(), now, Math.max(0, now - deadline));
  }

  /**
   * The first moment anything about the run may be flagged: just past one heartbeat timeout of its
   * worker after the collector started. Limits are "longer than": due one millisecond past them.
   */
  private long graceEnd(Job job) {
    Worker worker = job.worker() == null ? null : stateMachine.aliveWorker(job.worker());
    long intervalMs = worker != null ? worker.intervalMs() : DEFAULT_INTERVAL_MS;
    return collectorStartedAt + heartbeatMisses * intervalMs + 1;
  }

  private static boolean hasLiveFlag(Job job) {
    return job.flag() != null && job.flag().type().isLive();
  }
}
