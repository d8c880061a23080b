package io.jobpulse.sample.jobs;

/** Invoices {@code 1..invoices} of one billing batch, to export to the accounting system. */
public record InvoiceBatch(String batchId, int invoices) {}
