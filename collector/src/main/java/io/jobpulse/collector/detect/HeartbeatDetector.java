package io.jobpulse.collector.detect;

import io.jobpulse.collector.state.JobStateMachine;
import io.jobpulse.collector.state.Worker;
import java.util.List;

/**
 * Declares dead the workers that stopped sending spans: a worker is dead when nothing arrived from
 * it for {@code heartbeatMisses} × its advertised heartbeat interval; its running jobs become
 * {@code CRASHED}.
 *
 * <p>Liveness is judged on the collector's clock only (receive times). The collector's own
 * downtime is not the workers' fault: every worker's last sign of life counts as at least the
 * moment the collector began listening again ({@link #listeningSince}), so after a restart nothing
 * is flagged before one full timeout has passed — however long opening the store took.
 *
 * <p>Runs on the ingest thread (see {@code IngestLoop}), serialized with ingest. A tick looks at
 * the live workers only, never at stored history.
 */
public final class HeartbeatDetector implements Detector {

  private final int heartbeatMisses;
  /** Written once the ports are bound (start-up thread), read by ticks (ingest thread). */
  private volatile long collectorStartedAt;
  /** How many workers the last tick checked; ingest thread only. */
  private int examined;

  public HeartbeatDetector(int heartbeatMisses, long collectorStartedAt) {
    if (heartbeatMisses < 1) {
      throw new IllegalArgumentException("heartbeat misses must be at least 1: " + heartbeatMisses);
    }
    this.heartbeatMisses = heartbeatMisses;
    this.collectorStartedAt = collectorStartedAt;
  }

  /** Starts the restart grace at {@code now}: the moment workers can reach the collector again. */
  public void listeningSince(long now) {
    collectorStartedAt = now;
  }

  @Override
  public int tick(JobStateMachine stateMachine, long now) {
    int flagged = 0;
    List<Worker> alive = stateMachine.aliveWorkers();
    examined = alive.size();
    for (Worker worker : alive) {
      long timeoutMs = heartbeatMisses * worker.intervalMs();
      long evidenceAt = worker.lastSeenAt();
      if (now - Math.max(evidenceAt, collectorStartedAt) > timeoutMs) {
        String reason = "no heartbeat from worker " + worker.id() + " for " + (now - evidenceAt) + " ms ("
            + heartbeatMisses + " missed × " + worker.intervalMs() + " ms)";
        flagged += stateMachine.declareDead(worker.id(), reason, evidenceAt).size();
      }
    }
    return flagged;
  }

  /** How many workers the last tick checked: the alive ones, whatever the store holds. */
  int examined() {
    return examined;
  }
}
