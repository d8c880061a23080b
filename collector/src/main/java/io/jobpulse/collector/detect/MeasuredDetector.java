package io.jobpulse.collector.detect;

import io.jobpulse.collector.state.JobStateMachine;

/**
 * The collector's detection: dead workers first (a run whose worker died is {@code CRASHED},
 * whatever else it was overdue for), then overdue runs, then the workers ended long ago are
 * forgotten ({@link WorkerRetention}); each tick's duration and work are told to
 * an {@link Observer}, so that "a tick does not grow with the stored jobs" can be seen from outside.
 *
 * <p>Ticked on the ingest thread; measuring costs two {@link System#nanoTime()} calls and no
 * allocation.
 */
public final class MeasuredDetector implements Detector {

  /** Told about every tick that completed, on the ingest thread: must be cheap and never block. */
  @FunctionalInterface
  public interface Observer {

    /**
     * @param nanos how long the tick took
     * @param workersExamined the alive workers the heartbeat check looked at
     * @param deadlinesExamined the due run deadlines taken out of the queue
     * @param runsFlagged the runs flagged (dead workers' runs included)
     */
    void ticked(long nanos, int workersExamined, int deadlinesExamined, int runsFlagged);
  }

  private final HeartbeatDetector heartbeats;
  private final RunDetector runs;
  private final WorkerRetention retention;
  private final Observer observer;

  public MeasuredDetector(HeartbeatDetector heartbeats, RunDetector runs, WorkerRetention retention,
      Observer observer) {
    this.heartbeats = heartbeats;
    this.runs = runs;
    this.retention = retention;
    this.observer = observer;
  }

  @Override
  public int tick(JobStateMachine stateMachine, long now) {
    long start = System.nanoTime();
    int flagged = heartbeats.tick(stateMachine, now);
    flagged += runs.tick(stateMachine, now);
    retention.prune(stateMachine, now);
    observer.ticked(System.nanoTime() - start, heartbeats.examined(), runs.examined(), flagged);
    return flagged;
  }
}
