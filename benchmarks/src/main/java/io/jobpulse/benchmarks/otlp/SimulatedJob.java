package io.jobpulse.benchmarks.otlp;

import com.google.protobuf.ByteString;

/**
 * One run of a simulated job, as the agent knows it: its trace, its {@code jobpulse.job} span id,
 * its id and its progress. The id is made as the agent makes it: 12 hex digits of the run's start
 * in epoch milliseconds, then the 16 of its span id, so that ids are time-ordered. Mutable
 * progress; owned by one {@link SimulatedWorker}, used by one thread.
 */
final class SimulatedJob {

  final ByteString traceId;
  final ByteString spanId;
  final String id;
  final String name;
  final String threadName;
  final long startEpochNanos;
  final long total;
  long done;

  SimulatedJob(ByteString traceId, ByteString spanId, String name, String threadName, long startEpochNanos, long total) {
    this.traceId = traceId;
    this.spanId = spanId;
    this.id = id(startEpochNanos / 1_000_000, spanId);
    this.name = name;
    this.threadName = threadName;
    this.startEpochNanos = startEpochNanos;
    this.total = total;
  }

  /** The agent's rule: the start millisecond in 12 hex digits, zero-padded, then the span id's 16. */
  private static String id(long startEpochMillis, ByteString spanId) {
    StringBuilder s = new StringBuilder(12 + spanId.size() * 2);
    for (int shift = 44; shift >= 0; shift -= 4) {
      s.append(Character.forDigit((int) (startEpochMillis >>> shift) & 0xf, 16));
    }
    return hex(s, spanId);
  }

  private static String hex(StringBuilder s, ByteString bytes) {
    for (int i = 0; i < bytes.size(); i++) {
      s.append(Character.forDigit((bytes.byteAt(i) >> 4) & 0xf, 16)).append(Character.forDigit(bytes.byteAt(i) & 0xf, 16));
    }
    return s.toString();
  }
}
