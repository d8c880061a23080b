package io.jobpulse.collector.state;

/** Why a run failed: the exception's type and message and a coarse category. */
public record JobError(String type, String message, String category) {}
