package io.jobpulse.collector.state;

import java.util.Objects;

/**
 * A flag on a run: its type, a sentence saying why, when it was raised (collector clock, epoch
 * millis) and how long after the evidence (the last heartbeat, the lease closing) it was raised.
 */
public record Flag(FlagType type, String reason, long flaggedAt, long detectionLatencyMs) {
  public Flag {
    Objects.requireNonNull(type, "type");
    Objects.requireNonNull(reason, "reason");
  }
}
