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

  /**
   * The attributes every span about one run carries. {@code previousAttemptId} and {@code
   * queueWaitMs} are {@code null} unless the agent knows them.
   */
  record RunAttributes(
      String id, String name, String businessId, String parentId, long attempt, String threadName,
      long progressDone, Long progressTotal, String previousAttemptId, Long queueWaitMs) {

    public RunAttributes(String id, String name, String businessId, String parentId, long attempt, String threadName,
        long progressDone, Long progressTotal) {
      this(id, name, businessId, parentId, attempt, threadName, progressDone, progressTotal, null, null);
    }
  }

  /**
   * {@code jobpulse.job.pending}: a task was enqueued and waits ({@code enqueuedAt} is the span's
   * start, {@code announcedAt} its end: when the worker said so, both on the worker's clock).
   * {@code traceId}/{@code jobSpanId} name the run's still-open {@code jobpulse.job} span.
   */
  record JobPending(WorkerIdentity worker, RunAttributes run, String traceId, String jobSpanId, long enqueuedAt,
      long announcedAt) implements SpanEvent {

    /** Announced the moment it was enqueued. */
    public JobPending(WorkerIdentity worker, RunAttributes run, String traceId, String jobSpanId, long enqueuedAt) {
      this(worker, run, traceId, jobSpanId, enqueuedAt, enqueuedAt);
    }

    /** How long the task had waited when the worker announced it, by the worker's own measure. */
    public long waitedMs() {
      return Math.max(0, announcedAt - enqueuedAt);
    }
  }

  /**
   * {@code jobpulse.job.start}: a run was announced ({@code startedAt} is the span's start, {@code
   * announcedAt} its end, both on the worker's clock). {@code traceId}/{@code jobSpanId} name the
   * still-open {@code jobpulse.job} span (the start span's trace and parent span ids).
   */
  record JobStarted(WorkerIdentity worker, RunAttributes run, String traceId, String jobSpanId, long startedAt,
      long announcedAt) implements SpanEvent {

    /** Announced the moment it started. */
    public JobStarted(WorkerIdentity worker, RunAttributes run, String traceId, String jobSpanId, long startedAt) {
      this(worker, run, traceId, jobSpanId, startedAt, startedAt);
    }

    /** How long the run had run when the worker announced it, by the worker's own measure. */
    public long ranMs() {
      return Math.max(0, announcedAt - startedAt);
    }
  }

  /**
   * {@code jobpulse.job}: a run ended. {@code outcome} is never {@code null} (it falls back on the
   * span status when the attribute is missing); {@code error} is set for failures.
   */
  record JobEnded(
      WorkerIdentity worker, RunAttributes run, String traceId, String jobSpanId, long startedAt, long endedAt,
      JobOutcome outcome, JobError error, String statusMessage) implements SpanEvent {}

  /** One {@code jobpulse.job.active} event of a heartbeat; {@code stackTop} may be {@code null}. */
  record ActiveRun(
      String id, String name, long progressDone, Long progressTotal, String threadName, String threadState,
      boolean stackMoved, String stackTop) {

    public ActiveRun(String id, String name, long progressDone, Long progressTotal, String threadName,
        String threadState, boolean stackMoved) {
      this(id, name, progressDone, progressTotal, threadName, threadState, stackMoved, null);
    }
  }

  /** One {@code jobpulse.job.summary} event of a heartbeat: short runs completed unannounced. */
  record RunSummary(String name, long count, long totalMs, long maxMs) {}

  /**
   * {@code jobpulse.worker.heartbeat}. {@code pendingJobIds} are the announced runs still queued;
   * {@code droppedRuns} the runs the agent could not track since it started ({@code null} when not
   * sent).
   */
  record Heartbeat(
      WorkerIdentity worker, long intervalMs, List<String> activeJobIds, List<ActiveRun> activeRuns,
      List<RunSummary> summaries, List<String> pendingJobIds, Long droppedRuns) implements SpanEvent {
    public Heartbeat {
      activeJobIds = List.copyOf(activeJobIds);
      activeRuns = List.copyOf(activeRuns);
      summaries = List.copyOf(summaries);
      pendingJobIds = List.copyOf(pendingJobIds);
    }

    public Heartbeat(WorkerIdentity worker, long intervalMs, List<String> activeJobIds, List<ActiveRun> activeRuns,
        List<RunSummary> summaries) {
      this(worker, intervalMs, activeJobIds, activeRuns, summaries, List.of(), null);
    }
  }

  /** {@code jobpulse.worker.stop}: the worker exits gracefully. */
  record WorkerStopped(WorkerIdentity worker, List<String> abandonedJobIds) implements SpanEvent {
    public WorkerStopped {
      abandonedJobIds = List.copyOf(abandonedJobIds);
    }
  }
}
