package io.jobpulse.collector.detect;

import io.jobpulse.collector.state.JobStateMachine;

/**
 * Flags what is overdue. Ticked on the ingest thread (see {@code IngestLoop}), serialized with
 * ingest, so it may change the state machine directly.
 */
@FunctionalInterface
public interface Detector {

  /** Flags what is overdue at {@code now} (collector clock); returns how many runs were flagged. */
  int tick(JobStateMachine stateMachine, long now);

  /** Ticks {@code detectors} in order: each sees what the ones before it flagged. */
  static Detector all(Detector... detectors) {
    Detector[] copy = detectors.clone();
    return (stateMachine, now) -> {
      int flagged = 0;
      for (Detector detector : copy) {
        flagged += detector.tick(stateMachine, now);
      }
      return flagged;
    };
  }
}
