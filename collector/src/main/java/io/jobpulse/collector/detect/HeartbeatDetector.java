package io.jobpulse.collector.detect;

import io.jobpulse.collector.state.JobStateMachine;
import io.jobpulse.collector.state.Worker;
import java.util.List;

/**
 * Declares dead the workers that went silent: a worker is dead when neither a span nor a lease
 * ping ({@link LeasePings}) arrived from it for {@code heartbeatMisses} × its advertised heartbeat
 * interval; its running jobs become {@code CRASHED}. A ping counts as much as a span: it proves the
 * JVM runs and is not frozen while its span export is delayed (a frozen JVM stops pinging too, a
 * killed one closes its lease, which is flagged at once elsewhere). The flag's evidence is the later
 * of the two, so its detection latency is measured from the last sign of life, whichever it was.
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
  private final LeasePings pings;
  /** Written once the ports are bound (start-up thread), read by ticks (ingest thread). */
  private volatile long collectorStartedAt;
  /** How many workers the last tick checked; ingest thread only. */
  private int examined;

  /** A detector that judges workers by their spans alone (no lease). */
  public HeartbeatDetector(int heartbeatMisses, long collectorStartedAt) {
    this(heartbeatMisses, collectorStartedAt, LeasePings.NONE);
  }

  public HeartbeatDetector(int heartbeatMisses, long collectorStartedAt, LeasePings pings) {
    if (heartbeatMisses < 1) {
      throw new IllegalArgumentException("heartbeat misses must be at least 1: " + heartbeatMisses);
    }
    this.heartbeatMisses = heartbeatMisses;
    this.collectorStartedAt = collectorStartedAt;
    this.pings = pings;
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
      long lastPingAt = pings.lastPingAt(worker.id());
      // A ping newer than "now" (judged as of the oldest queued request) proves life all the more.
      long evidenceAt = Math.max(worker.lastSeenAt(), lastPingAt);
      if (now - Math.max(evidenceAt, collectorStartedAt) > timeoutMs) {
        flagged += stateMachine.declareDead(worker.id(), reason(worker, lastPingAt, now), evidenceAt).size();
      }
    }
    return flagged;
  }

  private String reason(Worker worker, long lastPingAt, long now) {
    String silence = "no heartbeat from worker " + worker.id() + " for " + (now - worker.lastSeenAt()) + " ms";
    if (lastPingAt != LeasePings.NEVER) {
      silence += " and no lease ping for " + (now - lastPingAt) + " ms";
    }
    return silence + " (" + heartbeatMisses + " missed × " + worker.intervalMs() + " ms)";
  }

  /** How many workers the last tick checked: the alive ones, whatever the store holds. */
  int examined() {
    return examined;
  }
}
