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
}
