package io.jobpulse.sample.jobs;

/** The month-end statements of accounts {@code 1..accounts}. */
public record StatementRun(String runId, int accounts) {}
