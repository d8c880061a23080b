package io.jobpulse.collector.store;

/**
 * A listing of runs, newest first. {@code status} matches a run's status or its flag type; every
 * filter may be {@code null} (no filter).
 */
public record JobQuery(String status, String name, String service, int limit) {
  public JobQuery {
    if (limit <= 0) {
      throw new IllegalArgumentException("limit must be positive: " + limit);
    }
  }
}
