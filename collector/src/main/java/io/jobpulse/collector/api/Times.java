package io.jobpulse.collector.api;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;

/** The API's one time format: ISO-8601, UTC, always with milliseconds ({@code 2025-01-31T08:15:30.250Z}). */
public final class Times {

  private static final DateTimeFormatter FORMAT =
      DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss.SSS'Z'").withZone(ZoneOffset.UTC);

  public static String format(long epochMillis) {
    return FORMAT.format(Instant.ofEpochMilli(epochMillis));
  }

  /** {@code null} stays {@code null}: a time not known yet. */
  public static String format(Long epochMillis) {
    return epochMillis == null ? null : format(epochMillis.longValue());
  }

  private Times() {}
}
