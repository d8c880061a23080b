package io.jobpulse.collector.otlp;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * How many lease connections each worker has open. A worker that reconnects (after a network
 * blip, or after the collector restarted) may briefly hold two; only the last one closing without a
 * goodbye means the process died. Touched from every event loop, hence concurrent.
 */
public final class LeaseRegistry {

  private final ConcurrentHashMap<String, Integer> open = new ConcurrentHashMap<>();
  /** Every worker that opened a lease since this collector started (for the API's "closed" vs "none"). */
  private final Set<String> everOpened = ConcurrentHashMap.newKeySet();

  void opened(String instanceId) {
    everOpened.add(instanceId);
    open.merge(instanceId, 1, Integer::sum);
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
    // computeIfPresent is atomic per key: the count and the "last one" answer agree.
    Integer left = open.computeIfPresent(instanceId, (id, count) -> count > 1 ? count - 1 : null);
    return left == null;
  }
}
