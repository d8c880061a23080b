package io.jobpulse.collector.detect;

import io.jobpulse.collector.state.JobStateMachine;
import java.time.Duration;

/**
 * Forgets the workers that stopped or died longer than the retention ago, so that a fleet that
 * autoscales does not leave thousands of them a day in the store and in {@code GET /api/workers}.
 * An alive worker is never forgotten. Ticked with the detector on the ingest thread; at most {@link
 * #MAX_PER_TICK} workers a tick, so a tick stays flat however many ended at once: a backlog is
 * worked off over the following ticks.
 */
public final class WorkerRetention {

  /** The most workers one tick looks at (and removes in one store write). */
  static final int MAX_PER_TICK = 64;

  private final long retentionMs;

  public WorkerRetention(Duration retention) {
    if (retention.isNegative() || retention.isZero()) {
      throw new IllegalArgumentException("worker retention must be positive: " + retention);
    }
    this.retentionMs = retention.toMillis();
  }

  /** Removes the workers that ended more than the retention before {@code now}; returns how many. */
  int prune(JobStateMachine stateMachine, long now) {
    return stateMachine.pruneWorkers(now - retentionMs, MAX_PER_TICK).size();
  }
}
