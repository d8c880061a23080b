package io.jobpulse.agent.report;

/** What the reporter learns from the span export. */
interface ExportStatus {

  /** Whether export works again after failing, since the last call. */
  boolean takeRecovered();

  /** Spans dropped since start because the export queue was full. */
  long droppedSpans();
}
