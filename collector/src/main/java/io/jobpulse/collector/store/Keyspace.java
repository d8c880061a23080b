package io.jobpulse.collector.store;

/**
 * Column families whose records belong to another package: the store keeps their bytes, the owner
 * its own key layout and encoding. Written in a {@link StoreBatch}, read with {@link JobStore#get}
 * and {@link JobStore#scan}.
 */
public enum Keyspace {
  /** Hourly health aggregates by job name, then the journal of their changes since last written ({@code health/}). */
  HEALTH("health"),
  /**
   * The whole health buckets changed since they were last written, one entry per transaction, as
   * versions before 2026-12-07 journaled them: read once at start-up, then empty ({@code health/}).
   */
  HEALTH_JOURNAL("health_journal"),
  /** Alerts waiting for delivery ({@code alert/}). */
  ALERT_OUTBOX("alert_outbox"),
  /** Children counts by status of each parent run, kept change by change ({@code state/}). */
  CHILD_STATS("child_stats"),
  /** The newest run of each (job name, business id): how a retry finds its previous attempt ({@code state/}). */
  LATEST_RUNS("latest_runs"),
  /** Each worker's last heartbeat, for the runs whose change it wrote behind ({@code state/}). */
  LAST_HEARTBEATS("last_heartbeats");

  private final String columnFamily;

  Keyspace(String columnFamily) {
    this.columnFamily = columnFamily;
  }

  String columnFamily() {
    return columnFamily;
  }
}
