package io.jobpulse.sample.jobs;

/** One pay period's payroll for employees {@code 1..employees}. */
public record PayrollRun(String period, int employees) {}
