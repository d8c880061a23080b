package io.jobpulse.sample.jobs;

/** A company whose record the enrichment job completes. */
public record Firm(int number, String name) {}
