package io.jobpulse.collector.health;

/**
 * The health score of a job name over the last 24 hours, 0 (bad) to 100 (good):
 *
 * <pre>
 * score = 100 × completed / ended
 *         − 10 × (crashed + lost)
 *         − 5 × (flags raised on live runs: stuck, stalled, pending too long, duplicate)
 * bounded to 0..100, rounded; no score when no run ended and no flag was raised.
 * </pre>
 *
 * where {@code ended} counts completed (short runs of the agent's summaries included), failed,
 * crashed, lost and abandoned runs. A crash weighs more than a failure: it is the silent kind.
 */
public final class HealthScore {

  static final int CRASH_PENALTY = 10;
  static final int LIVE_FLAG_PENALTY = 5;

  /** The score, or {@code null} when there is nothing to judge. */
  public static Integer of(long completed, long ended, long crashedOrLost, long liveFlags) {
    if (ended <= 0 && liveFlags <= 0) {
      return null;
    }
    double share = ended <= 0 ? 1.0 : (double) completed / ended;
    double score = 100.0 * share - CRASH_PENALTY * (double) crashedOrLost - LIVE_FLAG_PENALTY * (double) liveFlags;
    return (int) Math.round(Math.max(0, Math.min(100, score)));
  }

  private HealthScore() {}
}
