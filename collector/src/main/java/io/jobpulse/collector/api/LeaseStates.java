package io.jobpulse.collector.api;

/** The state of a worker's liveness lease as the API shows it. */
@FunctionalInterface
public interface LeaseStates {

  State of(String workerId);

  enum State {
    /** At least one lease connection is open. */
    CONNECTED,
    /** It had a lease (since this collector started) and none is open now. */
    CLOSED,
    /** It never opened one since this collector started: heartbeats alone. */
    NONE
  }
}
