package io.jobpulse.benchmarks.otlp;

/**
 * How the benchmarks' senders answer a 429 or 503, as an exporter does: retry after the
 * collector's {@code Retry-After}, a bounded number of times.
 */
public final class RetryPolicy {

  /** Retries of one request before it counts as failed. */
  public static final int MAX_RETRIES = 20;
  private static final long MAX_WAIT_MS = 5_000;

  private RetryPolicy() {}

  /** Whether {@code status} asks to try again later. */
  public static boolean isRetryable(int status) {
    return status == 429 || status == 503;
  }

  /**
   * The wait before the next attempt: {@code Retry-After}'s seconds (1 when absent or not a
   * number), bounded to 10 ms – 5 s.
   */
  public static long waitMillis(String retryAfter) {
    long seconds;
    try {
      seconds = retryAfter == null ? 1 : Long.parseLong(retryAfter.trim());
    } catch (NumberFormatException e) {
      seconds = 1;
    }
    return Math.min(MAX_WAIT_MS, Math.max(10, seconds * 1000));
  }
}
