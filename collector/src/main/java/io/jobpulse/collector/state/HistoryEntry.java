package io.jobpulse.collector.state;

/** One change of a run's state: when (collector clock, epoch millis), to what, and why. */
public record HistoryEntry(long at, String status, String detail) {}
