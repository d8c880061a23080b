package io.jobpulse.contract;

import java.time.Duration;

/**
 * The duration syntax shared by agent and collector configuration: a whole number followed by a
 * unit, {@code ms}, {@code s}, {@code m}, {@code h} or {@code d} ({@code 250ms}, {@code 5s},
 * {@code 2m}, {@code 30m}, {@code 1h}). A bare number is milliseconds.
 */
public final class Durations {

  /**
   * Parses {@code text}.
   *
   * @throws IllegalArgumentException naming the text and the accepted syntax when it is not a
   *     non-negative duration
   */
  public static Duration parse(String text) {
    if (text == null) {
      throw new IllegalArgumentException("duration is missing; expected e.g. 250ms, 5s, 2m, 1h");
    }
    String s = text.trim();
    int unitStart = 0;
    while (unitStart < s.length() && Character.isDigit(s.charAt(unitStart))) {
      unitStart++;
    }
    if (unitStart == 0 || unitStart > 18) {
      throw invalid(text);
    }
    long amount = Long.parseLong(s.substring(0, unitStart));
    String unit = s.substring(unitStart).trim();
    try {
      switch (unit) {
        case "":
        case "ms":
          return Duration.ofMillis(amount);
        case "s":
          return Duration.ofSeconds(amount);
        case "m":
          return Duration.ofMinutes(amount);
        case "h":
          return Duration.ofHours(amount);
        case "d":
          return Duration.ofDays(amount);
        default:
          throw invalid(text);
      }
    } catch (ArithmeticException e) {
      // Beyond what a Duration holds (e.g. 999999999999999999d): as invalid as any other typo.
      throw invalid(text);
    }
  }

  /** The shortest exact form of {@code duration} in this syntax ({@code 1500ms}, {@code 30s}, {@code 2m}). */
  public static String format(Duration duration) {
    long ms = duration.toMillis();
    if (ms != 0 && ms % 86_400_000L == 0) {
      return ms / 86_400_000L + "d";
    }
    if (ms != 0 && ms % 3_600_000L == 0) {
      return ms / 3_600_000L + "h";
    }
    if (ms != 0 && ms % 60_000L == 0) {
      return ms / 60_000L + "m";
    }
    if (ms != 0 && ms % 1000L == 0) {
      return ms / 1000L + "s";
    }
    return ms + "ms";
  }

  private static IllegalArgumentException invalid(String text) {
    return new IllegalArgumentException(
        "invalid duration '" + text + "': expected a whole number and a unit (ms, s, m, h, d), e.g. 250ms, 5s, 2m");
  }

  private Durations() {}
}
