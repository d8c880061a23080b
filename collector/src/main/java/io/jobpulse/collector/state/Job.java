package io.jobpulse.collector.state;

import com.fasterxml.jackson.annotation.JsonIgnore;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * One job run as the collector knows it. Immutable; change it with {@link #toBuilder()}. Times are
 * epoch milliseconds: {@code startedAt}/{@code endedAt} are the sender's (span times), the others
 * the collector's. {@code traceId}/{@code spanId} name the run's {@code jobpulse.job} span, whose
 * end the collector synthesizes when it flags the run.
 *
 * @param firstSeenAt when the collector first heard of the run; orders runs whose start is unknown
 * @param history the run's state changes, oldest first
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
    List<HistoryEntry> history) {

  public Job {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(status, "status");
    history = history == null ? List.of() : List.copyOf(history);
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
    private final List<HistoryEntry> history;

    private Builder(String id, long firstSeenAt) {
      this.id = id;
      this.firstSeenAt = firstSeenAt;
      this.history = new ArrayList<>();
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
      history = new ArrayList<>(job.history);
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

    public Builder flag(Flag flag) {
      this.flag = flag;
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

    /** Appends a state change to the history. */
    public Builder addHistory(long at, String status, String detail) {
      history.add(new HistoryEntry(at, status, detail));
      return this;
    }

    public Job build() {
      return new Job(id, name, businessId, parentId, attempt, service, worker, traceId, spanId, status, flag,
          flaggedThenRecovered, startedAt, endedAt, lastSeenAt, firstSeenAt, durationMs, progressDone,
          progressTotal, threadName, threadState, error, history);
    }
  }
}
