package io.jobpulse.collector.state;

import com.fasterxml.jackson.annotation.JsonIgnore;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * One job run as the collector knows it. Immutable; change it with {@link #toBuilder()}. Times are
 * epoch milliseconds: {@code startedAt}/{@code endedAt} are the sender's (span times), the others
 * the collector's. {@code traceId}/{@code spanId} name the run's {@code jobpulse.job} span, whose
 * end the collector synthesizes when it flags the run.
 *
 * @param firstSeenAt when the collector first heard of the run; orders runs whose start is unknown
 * @param history the run's state changes, oldest first
 * @param previousAttemptId the run this one retries (an earlier run of the same job name and
 *     business id that failed, crashed, was lost or abandoned, or was flagged)
 * @param enqueuedAt when a queued run was enqueued (sender's clock), {@code null} if never queued
 * @param queueWaitMs how long the run waited in its queue before it started, when known
 * @param stackTop the innermost frame of the run's thread at the last heartbeat
 * @param lastProgressAt when progress was last seen (item count changed or stack moved; collector
 *     clock): what {@code STALLED} counts from
 * @param missedHeartbeats how many heartbeats in a row of the run's alive worker did not list it:
 *     what {@code LOST} counts
 * @param progressSamples recent item counts, oldest first, for {@code ratePerSecond}
 * @param ratePerSecond items per second over the recent samples, {@code null} until two samples
 * @param waitingOn the crashed or lost child a live parent waits on
 * @param duplicateOf the other live run of the same job name and business id, when flagged {@code
 *     DUPLICATE}
 * @param phaseSince when the run's current phase began — its enqueue while {@code PENDING}, its
 *     start once {@code RUNNING} — on the collector's clock: the receive time of the span that said
 *     so, less the time the worker had measured in that phase when it sent it, the earliest such
 *     estimate. What {@code STUCK} and {@code PENDING_TOO_LONG} count from, so that a worker whose
 *     clock is set wrong is judged like any other. {@code null} when unknown (stored by an earlier
 *     version, or first heard of from a heartbeat): see {@link #runningSince()}, {@link #waitingSince()}
 * @param raisedFlags every flag type ever raised on the run, cleared or not: a flag raised again on
 *     the same run (stalled, resumed, stalled again) is no news, and alerts are sent once per run and
 *     flag type
 */
public record Job(
    String id,
    String name,
    String businessId,
    String parentId,
    long attempt,
    String service,
    String worker,
    String traceId,
    String spanId,
    JobStatus status,
    Flag flag,
    boolean flaggedThenRecovered,
    Long startedAt,
    Long endedAt,
    Long lastSeenAt,
    long firstSeenAt,
    Long durationMs,
    long progressDone,
    Long progressTotal,
    String threadName,
    String threadState,
    JobError error,
    List<HistoryEntry> history,
    String previousAttemptId,
    Long enqueuedAt,
    Long queueWaitMs,
    String stackTop,
    Long lastProgressAt,
    int missedHeartbeats,
    List<ProgressSample> progressSamples,
    Double ratePerSecond,
    WaitingOn waitingOn,
    String duplicateOf,
    Long phaseSince,
    Set<FlagType> raisedFlags) {

  public Job {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(status, "status");
    history = history == null ? List.of() : List.copyOf(history);
    progressSamples = progressSamples == null ? List.of() : List.copyOf(progressSamples);
    if (flag != null && (raisedFlags == null || !raisedFlags.contains(flag.type()))) {
      // A run stored before raisedFlags existed: its flag is the one it is known to have had.
      EnumSet<FlagType> raised = EnumSet.of(flag.type());
      if (raisedFlags != null) {
        raised.addAll(raisedFlags);
      }
      raisedFlags = raised;
    }
    raisedFlags = raisedFlags == null || raisedFlags.isEmpty()
        ? Set.of() : Collections.unmodifiableSet(EnumSet.copyOf(raisedFlags));
  }

  /** Whether a flag of {@code type} was ever raised on the run, still set or cleared since. */
  public boolean wasFlagged(FlagType type) {
    return raisedFlags.contains(type);
  }

  /** When the run started, else when the collector first heard of it: what its runtime counts from. */
  @JsonIgnore
  public long startTime() {
    return startedAt != null ? startedAt : firstSeenAt;
  }

  /** When a running run's runtime counts from, on the collector's clock as far as it is known. */
  @JsonIgnore
  public long runningSince() {
    return phaseSince != null ? phaseSince : startTime();
  }

  /** When a pending run's wait counts from, on the collector's clock as far as it is known. */
  @JsonIgnore
  public long waitingSince() {
    return phaseSince != null ? phaseSince : enqueuedAt != null ? enqueuedAt : firstSeenAt;
  }

  /** The time runs are ordered by, newest first: the start when known, else the first sighting. */
  @JsonIgnore
  public long sortTime() {
    return startedAt != null ? startedAt : firstSeenAt;
  }

  public static Builder builder(String id, long firstSeenAt) {
    return new Builder(id, firstSeenAt);
  }

  public Builder toBuilder() {
    return new Builder(this);
  }

  /** Builds a {@link Job}; a new run starts {@link JobStatus#RUNNING} with attempt 1. */
  public static final class Builder {
    private final String id;
    private String name;
    private String businessId;
    private String parentId;
    private long attempt = 1;
    private String service;
    private String worker;
    private String traceId;
    private String spanId;
    private JobStatus status = JobStatus.RUNNING;
    private Flag flag;
    private boolean flaggedThenRecovered;
    private Long startedAt;
    private Long endedAt;
    private Long lastSeenAt;
    private long firstSeenAt;
    private Long durationMs;
    private long progressDone;
    private Long progressTotal;
    private String threadName;
    private String threadState;
    private JobError error;
    /** The run's history, copied only once an entry is added: most changes add none. */
    private List<HistoryEntry> history;
    private boolean historyCopied;
    private String previousAttemptId;
    private Long enqueuedAt;
    private Long queueWaitMs;
    private String stackTop;
    private Long lastProgressAt;
    private int missedHeartbeats;
    private List<ProgressSample> progressSamples = List.of();
    private Double ratePerSecond;
    private WaitingOn waitingOn;
    private String duplicateOf;
    private Long phaseSince;
    private Set<FlagType> raisedFlags = Set.of();

    private Builder(String id, long firstSeenAt) {
      this.id = id;
      this.firstSeenAt = firstSeenAt;
      this.history = List.of();
    }

    private Builder(Job job) {
      id = job.id;
      name = job.name;
      businessId = job.businessId;
      parentId = job.parentId;
      attempt = job.attempt;
      service = job.service;
      worker = job.worker;
      traceId = job.traceId;
      spanId = job.spanId;
      status = job.status;
      flag = job.flag;
      flaggedThenRecovered = job.flaggedThenRecovered;
      startedAt = job.startedAt;
      endedAt = job.endedAt;
      lastSeenAt = job.lastSeenAt;
      firstSeenAt = job.firstSeenAt;
      durationMs = job.durationMs;
      progressDone = job.progressDone;
      progressTotal = job.progressTotal;
      threadName = job.threadName;
      threadState = job.threadState;
      error = job.error;
      history = job.history;
      previousAttemptId = job.previousAttemptId;
      enqueuedAt = job.enqueuedAt;
      queueWaitMs = job.queueWaitMs;
      stackTop = job.stackTop;
      lastProgressAt = job.lastProgressAt;
      missedHeartbeats = job.missedHeartbeats;
      progressSamples = job.progressSamples;
      ratePerSecond = job.ratePerSecond;
      waitingOn = job.waitingOn;
      duplicateOf = job.duplicateOf;
      phaseSince = job.phaseSince;
      raisedFlags = job.raisedFlags;
    }

    public Builder name(String name) {
      this.name = name;
      return this;
    }

    public Builder businessId(String businessId) {
      this.businessId = businessId;
      return this;
    }

    public Builder parentId(String parentId) {
      this.parentId = parentId;
      return this;
    }

    public Builder attempt(long attempt) {
      this.attempt = attempt;
      return this;
    }

    public Builder service(String service) {
      this.service = service;
      return this;
    }

    public Builder worker(String worker) {
      this.worker = worker;
      return this;
    }

    public Builder traceId(String traceId) {
      this.traceId = traceId;
      return this;
    }

    public Builder spanId(String spanId) {
      this.spanId = spanId;
      return this;
    }

    public Builder status(JobStatus status) {
      this.status = status;
      return this;
    }

    /** Sets the run's flag; a flag set is also remembered in {@link Job#raisedFlags()}. */
    public Builder flag(Flag flag) {
      this.flag = flag;
      if (flag != null && !raisedFlags.contains(flag.type())) {
        EnumSet<FlagType> raised = EnumSet.of(flag.type());
        raised.addAll(raisedFlags);
        raisedFlags = raised;
      }
      return this;
    }

    public Builder flaggedThenRecovered(boolean flaggedThenRecovered) {
      this.flaggedThenRecovered = flaggedThenRecovered;
      return this;
    }

    public Builder startedAt(Long startedAt) {
      this.startedAt = startedAt;
      return this;
    }

    public Builder endedAt(Long endedAt) {
      this.endedAt = endedAt;
      return this;
    }

    public Builder lastSeenAt(Long lastSeenAt) {
      this.lastSeenAt = lastSeenAt;
      return this;
    }

    public Builder durationMs(Long durationMs) {
      this.durationMs = durationMs;
      return this;
    }

    public Builder progressDone(long progressDone) {
      this.progressDone = progressDone;
      return this;
    }

    public Builder progressTotal(Long progressTotal) {
      this.progressTotal = progressTotal;
      return this;
    }

    public Builder threadName(String threadName) {
      this.threadName = threadName;
      return this;
    }

    public Builder threadState(String threadState) {
      this.threadState = threadState;
      return this;
    }

    public Builder error(JobError error) {
      this.error = error;
      return this;
    }

    public Builder previousAttemptId(String previousAttemptId) {
      this.previousAttemptId = previousAttemptId;
      return this;
    }

    public Builder enqueuedAt(Long enqueuedAt) {
      this.enqueuedAt = enqueuedAt;
      return this;
    }

    public Builder queueWaitMs(Long queueWaitMs) {
      this.queueWaitMs = queueWaitMs;
      return this;
    }

    public Builder stackTop(String stackTop) {
      this.stackTop = stackTop;
      return this;
    }

    public Builder lastProgressAt(Long lastProgressAt) {
      this.lastProgressAt = lastProgressAt;
      return this;
    }

    public Builder missedHeartbeats(int missedHeartbeats) {
      this.missedHeartbeats = missedHeartbeats;
      return this;
    }

    public Builder progressSamples(List<ProgressSample> progressSamples) {
      this.progressSamples = progressSamples;
      return this;
    }

    public Builder ratePerSecond(Double ratePerSecond) {
      this.ratePerSecond = ratePerSecond;
      return this;
    }

    public Builder waitingOn(WaitingOn waitingOn) {
      this.waitingOn = waitingOn;
      return this;
    }

    public Builder duplicateOf(String duplicateOf) {
      this.duplicateOf = duplicateOf;
      return this;
    }

    public Builder phaseSince(Long phaseSince) {
      this.phaseSince = phaseSince;
      return this;
    }

    /** Appends a state change to the history. */
    public Builder addHistory(long at, String status, String detail) {
      if (!historyCopied) {
        history = new ArrayList<>(history);
        historyCopied = true;
      }
      history.add(new HistoryEntry(at, status, detail));
      return this;
    }

    public Job build() {
      return new Job(id, name, businessId, parentId, attempt, service, worker, traceId, spanId, status, flag,
          flaggedThenRecovered, startedAt, endedAt, lastSeenAt, firstSeenAt, durationMs, progressDone,
          progressTotal, threadName, threadState, error, history, previousAttemptId, enqueuedAt, queueWaitMs, stackTop,
          lastProgressAt, missedHeartbeats, progressSamples, ratePerSecond, waitingOn, duplicateOf, phaseSince,
          raisedFlags);
    }
  }
}
