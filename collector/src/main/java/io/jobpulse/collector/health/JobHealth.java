package io.jobpulse.collector.health;

import java.util.List;
import java.util.Map;

/**
 * One job name's health over the last 24 hours, as {@code GET /api/health} shows it.
 *
 * @param score 0–100 (see {@link HealthScore}), {@code null} when nothing happened in the window
 * @param counts runs by the status they ended with, and flags raised on live runs
 * @param durationMs p50/p95 of completed runs, {@code null} values when none completed
 * @param errorCategories failed runs by category
 * @param topErrors the most frequent failure signatures, most frequent first
 * @param trend one entry per hour, oldest first, the current hour last
 */
public record JobHealth(
    String name,
    Integer score,
    Map<String, Long> counts,
    Durations durationMs,
    Map<String, Long> errorCategories,
    List<TopError> topErrors,
    List<Hour> trend) {

  public record Durations(Long p50, Long p95) {}

  /** @param lastSeenAt ISO-8601 UTC */
  public record TopError(String signature, String type, long count, String lastSeenAt) {}

  /** @param hour the hour's start, ISO-8601 UTC */
  public record Hour(String hour, long completed, long failed, long flagged) {}
}
