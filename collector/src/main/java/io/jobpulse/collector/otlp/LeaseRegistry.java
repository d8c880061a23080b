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
 * <p>A lease the collector closed because it went silent says nothing certain: the process may be
 * frozen, paused by a long garbage collection, or cut off. Its last ping is kept as the worker's
 * last sign of life, so the heartbeat rule judges it from there, as it would have with the lease open.
 */
public final class LeaseRegistry implements LeasePings, StateListener {

  private final ConcurrentHashMap<String, Leases> open = new ConcurrentHashMap<>();
  /** Every worker that opened a lease since this collector started (for the API's "closed" vs "none"). */
  private final Set<String> everOpened = ConcurrentHashMap.newKeySet();
  /** Last ping of the workers whose last lease the collector closed for silence, until they reconnect. */
  private final ConcurrentHashMap<String, Long> silencedPingAt = new ConcurrentHashMap<>();

  /** Records a lease opened; returns the worker's entry, where its pings are recorded. */
  Leases opened(String instanceId) {
    everOpened.add(instanceId);
    // compute is atomic per key: counting and removing (closed) never interleave for one worker.
    return open.compute(instanceId, (id, leases) -> {
      Leases counted = leases != null ? leases : new Leases();
      counted.connections++;
      silencedPingAt.remove(id); // an open lease's pings speak for the worker again
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

  /**
   * Records a close; returns whether it was the worker's last open lease. Its ping time goes with
   * it (a worker without a lease is judged by its spans again) unless {@code silent}: the collector
   * closed the lease because no ping came, and the last one stays the worker's last sign of life.
   */
  boolean closed(String instanceId, boolean silent) {
    Leases left = open.computeIfPresent(instanceId, (id, leases) -> {
      if (--leases.connections > 0) {
        return leases;
      }
      // Inside the compute, so a reconnect of the same worker (opened) cannot interleave.
      if (silent && leases.lastPingAt != NEVER) {
        silencedPingAt.put(id, leases.lastPingAt);
      } else {
        silencedPingAt.remove(id);
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
        silencedPingAt.remove(worker.id());
      }
    }
  }

  @Override
  public long lastPingAt(String workerId) {
    Leases leases = open.get(workerId);
    if (leases != null) {
      return leases.lastPingAt;
    }
    Long silenced = silencedPingAt.get(workerId);
    return silenced == null ? NEVER : silenced;
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
