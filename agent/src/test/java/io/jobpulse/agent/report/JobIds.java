package io.jobpulse.agent.report;

import io.jobpulse.agent.run.RunId;
import io.opentelemetry.sdk.trace.data.SpanData;

/** What the tests expect of a {@code jobpulse.job.id}: its span's start millisecond, then its span id. */
final class JobIds {

  /** The id of the run whose {@code jobpulse.job} span is {@code span} and opened at its start. */
  static String of(SpanData span) {
    return RunId.of(Math.floorDiv(span.getStartEpochNanos(), 1_000_000L), Long.parseUnsignedLong(span.getSpanId(), 16));
  }

  /** The span id a job id ends with. */
  static String spanIdOf(String jobId) {
    return jobId.substring(jobId.length() - 16);
  }

  private JobIds() {}
}
