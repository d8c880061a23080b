package io.jobpulse.benchmarks.soak;

import java.time.Instant;
import java.util.List;

/**
 * One worker the soak killed: who, when, and the runs the collector had been told were in
 * progress (each of which must end up {@code CRASHED}).
 *
 * @param real a child JVM under the agent ({@code kill -9}) rather than a simulated worker
 * @param worker the simulated worker's {@code service.instance.id}, or the real worker's {@code service.name}
 * @param jobIds the runs in progress at the kill ({@code jobpulse.job.id})
 * @param killedAt wall clock, to tell a flag raised after the kill from one raised before
 * @param killedNanos monotonic clock, for the latency seen from outside
 */
record Kill(boolean real, String worker, List<String> jobIds, Instant killedAt, long killedNanos) {

  Kill {
    jobIds = List.copyOf(jobIds);
  }

  /** What became of one of the kill's runs. */
  enum Outcome {
    /** flagged {@code CRASHED}, as it must be */
    CRASHED,
    /** its end arrived before the kill took effect (a real JVM exports asynchronously) */
    ENDED,
    /** flagged, but not {@code CRASHED} (e.g. {@code LOST}) */
    OTHER_FLAG,
    /** still not flagged when the soak stopped waiting */
    MISSED
  }
}
