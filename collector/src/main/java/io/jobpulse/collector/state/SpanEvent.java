package io.jobpulse.collector.state;

import io.jobpulse.contract.JobOutcome;
import java.util.List;

/**
 * What one received span means to the state machine, decoded from the wire contract
 * (otel-config/README.md). Times named {@code ...At} here are the sender's span times.
 */
public sealed interface SpanEvent {

  /** The worker that sent the span. */
  WorkerIdentity worker();

  /** The attributes every span about one run carries. */
  record RunAttributes(
      String id, String name, String businessId, String parentId, long attempt, String threadName,
      long progressDone, Long progressTotal) {}

  /**
   * {@code jobpulse.job.start}: a run was announced. {@code traceId}/{@code jobSpanId} name the
   * still-open {@code jobpulse.job} span (the start span's trace and parent span ids).
   */
  record JobStarted(WorkerIdentity worker, RunAttributes run, String traceId, String jobSpanId, long startedAt)
      implements SpanEvent {}

  /**
   * {@code jobpulse.job}: a run ended. {@code outcome} is never {@code null} (it falls back on the
   * span status when the attribute is missing); {@code error} is set for failures.
   */
  record JobEnded(
      WorkerIdentity worker, RunAttributes run, String traceId, String jobSpanId, long startedAt, long endedAt,
      JobOutcome outcome, JobError error, String statusMessage) implements SpanEvent {}

  /** One {@code jobpulse.job.active} event of a heartbeat. */
  record ActiveRun(
      String id, String name, long progressDone, Long progressTotal, String threadName, String threadState,
      boolean stackMoved) {}

  /** One {@code jobpulse.job.summary} event of a heartbeat: short runs completed unannounced. */
  record RunSummary(String name, long count, long totalMs, long maxMs) {}

  /** {@code jobpulse.worker.heartbeat}. */
  record Heartbeat(
      WorkerIdentity worker, long intervalMs, List<String> activeJobIds, List<ActiveRun> activeRuns,
      List<RunSummary> summaries) implements SpanEvent {
    public Heartbeat {
      activeJobIds = List.copyOf(activeJobIds);
      activeRuns = List.copyOf(activeRuns);
      summaries = List.copyOf(summaries);
    }
  }

  /** {@code jobpulse.worker.stop}: the worker exits gracefully. */
  record WorkerStopped(WorkerIdentity worker, List<String> abandonedJobIds) implements SpanEvent {
    public WorkerStopped {
      abandonedJobIds = List.copyOf(abandonedJobIds);
    }
  }
}
