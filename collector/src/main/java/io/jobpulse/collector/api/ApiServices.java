package io.jobpulse.collector.api;

import io.jobpulse.collector.health.HealthReport;
import io.jobpulse.collector.ingest.IngestLoop;
import io.jobpulse.collector.metrics.CollectorMetrics;
import io.jobpulse.collector.state.CurrentRuns;
import io.jobpulse.collector.store.JobStore;
import java.time.Clock;
import java.util.Objects;
import java.util.Optional;

/**
 * What the REST API reads and changes.
 *
 * @param store workers, children counts, health; finished runs to remove
 * @param runs the runs as they are now (the store's, with the heartbeat fields not written yet)
 * @param apiToken when present, mutating calls need {@code Authorization: Bearer <token>}
 * @param leases the liveness lease of each worker
 */
public record ApiServices(
    JobStore store,
    CurrentRuns runs,
    IngestLoop ingest,
    Clock clock,
    HealthReport health,
    CollectorMetrics metrics,
    LeaseStates leases,
    Optional<String> apiToken) {

  public ApiServices {
    Objects.requireNonNull(store, "store");
    Objects.requireNonNull(runs, "runs");
    Objects.requireNonNull(ingest, "ingest");
    Objects.requireNonNull(clock, "clock");
    Objects.requireNonNull(health, "health");
    Objects.requireNonNull(metrics, "metrics");
    Objects.requireNonNull(leases, "leases");
    Objects.requireNonNull(apiToken, "apiToken");
  }

  /** Never the token itself: this record may end up in a log line. */
  @Override
  public String toString() {
    return "ApiServices[store=" + store.directory() + ", apiToken=" + (apiToken.isPresent() ? "set" : "none") + "]";
  }
}
