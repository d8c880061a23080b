package io.jobpulse.benchmarks.otlp;

import com.google.protobuf.ByteString;

/**
 * One run of a simulated job, as the agent knows it: its trace, its {@code jobpulse.job} span id
 * (whose 16 hex digits are the run's id) and its progress. Mutable progress; owned by one
 * {@link SimulatedWorker}, used by one thread.
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
    this.id = hex(spanId);
    this.name = name;
    this.threadName = threadName;
    this.startEpochNanos = startEpochNanos;
    this.total = total;
  }

  private static String hex(ByteString bytes) {
    StringBuilder s = new StringBuilder(bytes.size() * 2);
    for (int i = 0; i < bytes.size(); i++) {
      s.append(Character.forDigit((bytes.byteAt(i) >> 4) & 0xf, 16)).append(Character.forDigit(bytes.byteAt(i) & 0xf, 16));
    }
    return s.toString();
  }
}
