package io.jobpulse.collector.api;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;

/** The API's one time format: ISO-8601, UTC, always with milliseconds ({@code 2025-01-31T08:15:30.250Z}). */
public final class Times {

  /** The format's definition, and the writer of the years it has no fixed width for. */
  private static final DateTimeFormatter FORMAT =
      DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss.SSS'Z'").withZone(ZoneOffset.UTC);

  /**
   * As {@link #FORMAT} writes it. A page of runs has several times each: {@code DateTimeFormatter}
   * (a zoned date-time and a {@code BigDecimal} fraction per call) was a tenth of a large page's
   * cost, so years 0–9999 are written field by field.
   */
  public static String format(long epochMillis) {
    LocalDateTime t = LocalDateTime.ofEpochSecond(Math.floorDiv(epochMillis, 1000L), 0, ZoneOffset.UTC);
    int year = t.getYear();
    if (year < 0 || year > 9999) {
      return FORMAT.format(Instant.ofEpochMilli(epochMillis)); // a sign or a fifth digit
    }
    byte[] text = new byte[24];
    digits(text, 0, year, 4);
    text[4] = '-';
    digits(text, 5, t.getMonthValue(), 2);
    text[7] = '-';
    digits(text, 8, t.getDayOfMonth(), 2);
    text[10] = 'T';
    digits(text, 11, t.getHour(), 2);
    text[13] = ':';
    digits(text, 14, t.getMinute(), 2);
    text[16] = ':';
    digits(text, 17, t.getSecond(), 2);
    text[19] = '.';
    digits(text, 20, (int) Math.floorMod(epochMillis, 1000L), 3);
    text[23] = 'Z';
    return new String(text, StandardCharsets.ISO_8859_1);
  }

  /** {@code null} stays {@code null}: a time not known yet. */
  public static String format(Long epochMillis) {
    return epochMillis == null ? null : format(epochMillis.longValue());
  }

  /** {@code value} as exactly {@code width} decimal digits at {@code at}, zero-padded. */
  private static void digits(byte[] text, int at, int value, int width) {
    for (int i = at + width - 1; i >= at; i--) {
      text[i] = (byte) ('0' + value % 10);
      value /= 10;
    }
  }

  private Times() {}
}
