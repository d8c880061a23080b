package io.jobpulse.agent.run;

/**
 * The rule for a run's {@code jobpulse.job.id} (the collector's key for the run): 12 lower-case
 * hex digits of the run's start in epoch milliseconds, zero-padded, then the 16 hex digits of its
 * {@code jobpulse.job} span id; 28 hex digits in all. The span id makes it unique; the time prefix
 * makes ids sort as their runs started, so that the collector's store inserts them near each
 * other instead of at random places. The collector treats ids as opaque strings.
 *
 * <p>Agents before this rule used the span id alone (16 hex digits); {@link #names} accepts both.
 */
public final class RunId {

  /** Hex digits of the start time. */
  static final int TIME_DIGITS = 12;
  /** Hex digits of the span id. */
  static final int SPAN_DIGITS = 16;
  public static final int LENGTH = TIME_DIGITS + SPAN_DIGITS;

  private static final char[] HEX = "0123456789abcdef".toCharArray();
  private static final long TIME_MASK = (1L << (4 * TIME_DIGITS)) - 1;

  /**
   * The id of the run that started at {@code startEpochMillis} (taken modulo 16^12, about the
   * year 10889) with the span id {@code spanId}.
   */
  public static String of(long startEpochMillis, long spanId) {
    char[] id = new char[LENGTH];
    long time = startEpochMillis & TIME_MASK;
    for (int i = TIME_DIGITS - 1; i >= 0; i--) {
      id[i] = HEX[(int) (time & 0xf)];
      time >>>= 4;
    }
    long span = spanId;
    for (int i = LENGTH - 1; i >= TIME_DIGITS; i--) {
      id[i] = HEX[(int) (span & 0xf)];
      span >>>= 4;
    }
    return new String(id);
  }

  /**
   * Whether {@code jobId} is the id of the run whose span id is {@code spanIdHex} (16 lower-case
   * hex digits): this rule's form ending with it, or the older form equal to it.
   */
  public static boolean names(String jobId, String spanIdHex) {
    if (jobId == null || spanIdHex == null) {
      return false;
    }
    if (jobId.equals(spanIdHex)) {
      return true;
    }
    if (jobId.length() != LENGTH || spanIdHex.length() != SPAN_DIGITS || !jobId.endsWith(spanIdHex)) {
      return false;
    }
    for (int i = 0; i < TIME_DIGITS; i++) {
      char c = jobId.charAt(i);
      if ((c < '0' || c > '9') && (c < 'a' || c > 'f')) {
        return false;
      }
    }
    return true;
  }

  private RunId() {}
}
