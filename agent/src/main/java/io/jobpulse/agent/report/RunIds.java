package io.jobpulse.agent.report;

import io.jobpulse.agent.run.JobRun;
import io.opentelemetry.api.trace.SpanId;
import io.opentelemetry.api.trace.TraceId;
import io.opentelemetry.sdk.trace.IdGenerator;

/**
 * The SDK's id generator: a run's {@code jobpulse.job} span gets the ids its thread drew when the
 * run was recorded ({@link JobRun#spanId()}); every other span gets random ones.
 *
 * <p>Threading: {@link #assign} and the span start it precedes happen on one thread, the one
 * holding the reporter's lock (the reporter thread or the shutdown hook); no other thread starts
 * spans with this SDK.
 */
final class RunIds implements IdGenerator {

  private static final IdGenerator RANDOM = IdGenerator.random();

  /** The next span's ids; 0 when none is assigned. */
  private long spanId;
  private long traceIdHigh;
  private long traceIdLow;

  /**
   * The next span started is {@code run}'s: call {@link #clear} after starting it. The trace id is
   * used only when the span has no parent (the SDK takes a child's from its parent).
   */
  void assign(JobRun run) {
    spanId = run.spanId();
    traceIdHigh = run.traceIdHigh();
    traceIdLow = run.traceIdLow();
  }

  /** Whatever the span start did, later spans get random ids. */
  void clear() {
    spanId = 0;
    traceIdHigh = 0;
    traceIdLow = 0;
  }

  @Override
  public String generateSpanId() {
    return spanId == 0 ? RANDOM.generateSpanId() : SpanId.fromLong(spanId);
  }

  @Override
  public String generateTraceId() {
    return traceIdHigh == 0 && traceIdLow == 0 ? RANDOM.generateTraceId() : TraceId.fromLongs(traceIdHigh, traceIdLow);
  }
}
