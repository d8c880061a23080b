package io.jobpulse.collector.detect;

import java.time.Duration;

/**
 * The limits that flag the runs of one job name; a {@code null} limit is off.
 *
 * @param maxRuntime longer than this running is {@code STUCK}
 * @param stallTimeout this long alive without progress is {@code STALLED}
 * @param queueTimeout this long enqueued without starting is {@code PENDING_TOO_LONG}
 */
public record JobLimits(Duration maxRuntime, Duration stallTimeout, Duration queueTimeout) {}
