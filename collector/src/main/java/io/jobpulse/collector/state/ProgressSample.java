package io.jobpulse.collector.state;

/** A run's item count {@code done} as a heartbeat received at {@code at} (collector clock) reported it. */
public record ProgressSample(long at, long done) {}
