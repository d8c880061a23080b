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
 */
public final class LeaseRegistry implements LeasePings, StateListener {

  private final ConcurrentHashMap<String, Leases> open = new ConcurrentHashMap<>();
  /** Every worker that opened a lease since this collector started (for the API's "closed" vs "none"). */
  private final Set<String> everOpened = ConcurrentHashMap.newKeySet();

  /** Records a lease opened; returns the worker's entry, where its pings are recorded. */
  Leases opened(String instanceId) {
    everOpened.add(instanceId);
    // compute is atomic per key: counting and removing (closed) never interleave for one worker.
    return open.compute(instanceId, (id, leases) -> {
      Leases counted = leases != null ? leases : new Leases();
      counted.connections++;
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
   * it: a worker without a lease is judged by its spans again, and nothing is kept for workers gone.
   */
  boolean closed(String instanceId) {
    Leases left = open.computeIfPresent(instanceId, (id, leases) -> --leases.connections > 0 ? leases : null);
    return left == null;
  }

  /** Forgets that pruned workers ever held a lease; one that reconnected since keeps its entry. */
  @Override
  public void workersRemoved(List<Worker> workers) {
    for (Worker worker : workers) {
      if (!open.containsKey(worker.id())) {
        everOpened.remove(worker.id());
      }
    }
  }

  @Override
  public long lastPingAt(String workerId) {
    Leases leases = open.get(workerId);
    return leases == null ? NEVER : leases.lastPingAt;
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
