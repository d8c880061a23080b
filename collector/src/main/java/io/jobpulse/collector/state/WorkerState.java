package io.jobpulse.collector.state;

/** A worker process as the collector sees it. */
public enum WorkerState {
  /** Heartbeats arrive in time. */
  ALIVE,
  /** Said goodbye: exited gracefully. */
  STOPPED,
  /** Stopped heartbeating (or its lease closed) without a goodbye. */
  DEAD
}
