package io.jobpulse.collector.state;

import java.util.List;
import java.util.Objects;

/**
 * One agent-instrumented JVM (a {@code service.instance.id}). Immutable. Times are the
 * collector's clock, epoch milliseconds; {@code lastHeartbeatAt} is a receive time, never the
 * sender's timestamp.
 *
 * @param lastSeenAt when the last span from it was received: the evidence liveness is judged by
 * @param intervalMs the heartbeat interval the worker advertises
 * @param jobs the ids of the runs the collector believes are running on it, sorted
 * @param droppedRuns the runs the agent said it could not track since it started
 * @param stoppedAt when it said goodbye ({@link WorkerState#STOPPED}) or was declared dead ({@link
 *     WorkerState#DEAD}); {@code null} while alive (and for workers declared dead before that was recorded)
 */
public record Worker(
    String id,
    String service,
    Long pid,
    String host,
    String agentVersion,
    long firstSeenAt,
    long lastSeenAt,
    Long lastHeartbeatAt,
    long intervalMs,
    WorkerState state,
    Long stoppedAt,
    List<String> jobs,
    long droppedRuns) {

  public Worker {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(state, "state");
    jobs = jobs == null ? List.of() : List.copyOf(jobs);
  }

  /** A worker first heard of now, alive, with no heartbeat yet. */
  public static Worker firstSeen(WorkerIdentity identity, long now, long defaultIntervalMs) {
    return new Worker(identity.instanceId(), identity.service(), identity.pid(), identity.host(),
        identity.agentVersion(), now, now, null, defaultIntervalMs, WorkerState.ALIVE, null, List.of(), 0);
  }

  /**
   * This worker, alive, having sent a span received at {@code receivedAt}, with the resource
   * attributes of {@code identity} where they are known. Itself when that changes nothing, as for
   * every span of a request after its first: the ingest thread calls this for each one.
   */
  public Worker seen(WorkerIdentity identity, long receivedAt) {
    String newService = firstNonNull(identity.service(), service);
    Long newPid = firstNonNull(identity.pid(), pid);
    String newHost = firstNonNull(identity.host(), host);
    String newAgentVersion = firstNonNull(identity.agentVersion(), agentVersion);
    if (receivedAt == lastSeenAt && state == WorkerState.ALIVE && stoppedAt == null
        && Objects.equals(newService, service) && Objects.equals(newPid, pid) && Objects.equals(newHost, host)
        && Objects.equals(newAgentVersion, agentVersion)) {
      return this;
    }
    return new Worker(id, newService, newPid, newHost, newAgentVersion, firstSeenAt, receivedAt, lastHeartbeatAt,
        intervalMs, WorkerState.ALIVE, null, jobs, droppedRuns);
  }

  public Worker withHeartbeat(long receivedAt, long advertisedIntervalMs) {
    return new Worker(id, service, pid, host, agentVersion, firstSeenAt, receivedAt, receivedAt,
        advertisedIntervalMs, WorkerState.ALIVE, null, jobs, droppedRuns);
  }

  public Worker withState(WorkerState newState, Long newStoppedAt) {
    return new Worker(id, service, pid, host, agentVersion, firstSeenAt, lastSeenAt, lastHeartbeatAt, intervalMs,
        newState, newStoppedAt, jobs, droppedRuns);
  }

  /** This worker running {@code sortedJobs}, sorted by id. */
  public Worker withJobs(List<String> sortedJobs) {
    return new Worker(id, service, pid, host, agentVersion, firstSeenAt, lastSeenAt, lastHeartbeatAt, intervalMs,
        state, stoppedAt, sortedJobs, droppedRuns);
  }

  public Worker withDroppedRuns(long newDroppedRuns) {
    return new Worker(id, service, pid, host, agentVersion, firstSeenAt, lastSeenAt, lastHeartbeatAt, intervalMs,
        state, stoppedAt, jobs, newDroppedRuns);
  }

  private static <T> T firstNonNull(T preferred, T fallback) {
    return preferred != null ? preferred : fallback;
  }
}
