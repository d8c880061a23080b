package io.jobpulse.collector.detect;

/**
 * When each worker last pinged on its liveness lease: proof of life beside its spans. A ping shows
 * the JVM runs and is not frozen even while its span export is delayed (retry backoff after a
 * collector restart, a slow collector), so the {@link HeartbeatDetector} judges a worker by the
 * later of its last span and its last ping.
 *
 * <p>Written by the leases' event loops, read by the detector on the ingest thread: an
 * implementation must be safe for that and cheap to read (one lookup per alive worker per tick).
 */
@FunctionalInterface
public interface LeasePings {

  /** {@link #lastPingAt} of a worker that holds no lease, or whose lease never pinged. */
  long NEVER = Long.MIN_VALUE;

  /** No lease at all: workers are judged by their spans alone. */
  LeasePings NONE = workerId -> NEVER;

  /**
   * When (collector clock) a lease of {@code workerId} last pinged, its leases open or closed since,
   * or {@link #NEVER}.
   */
  long lastPingAt(String workerId);
}
