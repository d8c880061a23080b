package io.jobpulse.collector.state;

import io.jobpulse.collector.store.StoreBatch;
import java.util.List;

/**
 * Told of every change the {@link JobStateMachine} commits: how alerts, forwarding and metrics
 * follow the state without the state machine knowing them.
 *
 * <p>Every method runs on the ingest thread, the state's single writer: they must not block or do
 * I/O. Whatever takes time is handed off to the listener's own thread.
 */
public interface StateListener {

  /**
   * Called inside a transaction, before its batch is written: stage here what must become durable
   * atomically with the change (an alert's outbox entry, say), so that a crash can never keep the
   * one without the other.
   *
   * @param before the run as it was before this transaction, {@code null} for a new run
   * @param after the run as this transaction leaves it
   */
  default void staging(Job before, Job after, StoreBatch batch) {}

  /**
   * Called inside a transaction, before its batch is written, for each {@code
   * jobpulse.job.summary} a heartbeat brought: short runs that completed unannounced.
   */
  default void summarized(WorkerIdentity worker, SpanEvent.RunSummary summary, StoreBatch batch) {}

  /**
   * Called once per transaction, after its {@link #staging} and {@link #summarized} calls and
   * before its batch is written: where a listener writes a record that many runs of the
   * transaction changed, once rather than once per run (a transaction may hold many requests).
   */
  default void beforeWrite(StoreBatch batch) {}

  /**
   * Called once the transaction is written and applied in memory.
   *
   * @param jobs every run the transaction changed, in the order it changed them
   * @param workers every worker the transaction changed
   */
  default void committed(List<JobChange> jobs, List<WorkerChange> workers) {}

  /**
   * Called once workers that stopped or died long ago were removed from the store (written
   * already): they are no longer known.
   */
  default void workersRemoved(List<Worker> workers) {}

  /** A run before and after one transaction; {@code before} is {@code null} for a new run. */
  record JobChange(Job before, Job after) {}

  /** A worker before and after one transaction; {@code before} is {@code null} for a new worker. */
  record WorkerChange(Worker before, Worker after) {}
}
