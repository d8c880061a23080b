package io.jobpulse.collector.otlp;

import io.jobpulse.collector.detect.LeasePings;
import io.jobpulse.collector.state.StateListener;
import io.jobpulse.collector.state.Worker;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The workers' open lease connections: how many each has, and when one last pinged. A worker that
 * reconnects (after a network blip, or after the collector restarted) may briefly hold two; only the
 * last one closing without a goodbye means the process died. Touched from every event loop, hence
 * concurrent; the detector reads the ping times on the ingest thread. A worker the store forgets
 * (its retention passed) is forgotten here too, so nothing grows with the workers ever seen.
 *
 * <p>When a worker's last lease closes, its last ping stays the worker's last sign of life until it
 * reconnects, so that the heartbeat rule judges it from there, as it would have with the lease
 * open. A lease the collector closed because it went silent says nothing certain: the process may
 * be frozen, paused by a long garbage collection, or cut off. One closed without a goodbye means
 * the process died, but that death is applied on the ingest thread a moment later: meanwhile the
 * heartbeat rule must not flag the worker from its older spans, with the wrong reason and evidence
 * (seen with heartbeats seconds old behind a lease that pinged until the kill).
 */
public final class LeaseRegistry implements LeasePings, StateListener {

  private final ConcurrentHashMap<String, Leases> open = new ConcurrentHashMap<>();
  /** Every worker that opened a lease since this collector started (for the API's "closed" vs "none"). */
  private final Set<String> everOpened = ConcurrentHashMap.newKeySet();
  /** Last ping of the workers whose last lease closed, until they reconnect or are pruned. */
  private final ConcurrentHashMap<String, Long> closedPingAt = new ConcurrentHashMap<>();

  /** Records a lease opened; returns the worker's entry, where its pings are recorded. */
  Leases opened(String instanceId) {
    everOpened.add(instanceId);
    // compute is atomic per key: counting and removing (closed) never interleave for one worker.
    return open.compute(instanceId, (id, leases) -> {
      Leases counted = leases != null ? leases : new Leases();
      counted.connections++;
      closedPingAt.remove(id); // an open lease's pings speak for the worker again
      return counted;
    });
  }

  /** Whether the worker holds at least one open lease now. */
  public boolean isOpen(String instanceId) {
    return open.containsKey(instanceId);
  }

  /** Whether the worker opened a lease since this collector started, open or not now. */
  public boolean everOpened(String instanceId) {
    return everOpened.contains(instanceId);
  }

  /** Records a close; returns whether it was the worker's last open lease. */
  boolean closed(String instanceId) {
    Leases left = open.computeIfPresent(instanceId, (id, leases) -> {
      if (--leases.connections > 0) {
        return leases;
      }
      // Inside the compute, so a reconnect of the same worker (opened) cannot interleave.
      if (leases.lastPingAt != NEVER) {
        closedPingAt.put(id, leases.lastPingAt);
      }
      return null;
    });
    return left == null;
  }

  /** Forgets that pruned workers ever held a lease; one that reconnected since keeps its entry. */
  @Override
  public void workersRemoved(List<Worker> workers) {
    for (Worker worker : workers) {
      if (!open.containsKey(worker.id())) {
        everOpened.remove(worker.id());
        closedPingAt.remove(worker.id());
      }
    }
  }

  @Override
  public long lastPingAt(String workerId) {
    Leases leases = open.get(workerId);
    if (leases != null) {
      return leases.lastPingAt;
    }
    Long closed = closedPingAt.get(workerId);
    return closed == null ? NEVER : closed;
  }

  /** One worker's open leases. */
  static final class Leases {
    /** Changed only inside {@link #open}'s compute for this worker, which orders every change. */
    private int connections;
    /**
     * Written on each ping, by the event loop of the lease that pinged; a plain volatile write, no
     * allocation. Two leases of one worker may race by a millisecond: either time is a recent ping.
     */
    private volatile long lastPingAt = NEVER;

    void pinged(long receivedAt) {
      lastPingAt = receivedAt;
    }
  }
}
