package io.jobpulse.collector.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** The API's time format, written field by field, is exactly what its pattern says. */
class TimesTest {

  private static final DateTimeFormatter PATTERN =
      DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss.SSS'Z'").withZone(ZoneOffset.UTC);

  @Test
  void writesWhatThePatternWrites() {
    assertEquals("2025-01-31T08:15:30.250Z", Times.format(Instant.parse("2025-01-31T08:15:30.250Z").toEpochMilli()));
    assertEquals("1970-01-01T00:00:00.000Z", Times.format(0L));
    assertEquals("1969-12-31T23:59:59.999Z", Times.format(-1L));
    assertNull(Times.format((Long) null));
    long[] edges = {Long.MIN_VALUE, Long.MAX_VALUE, -62_167_219_200_000L - 1, -62_167_219_200_000L,
        253_402_300_799_999L, 253_402_300_800_000L, 951_782_400_000L, 1_709_164_800_000L};
    for (long millis : edges) {
      assertEquals(PATTERN.format(Instant.ofEpochMilli(millis)), Times.format(millis), "at " + millis);
    }
    SplittableRandom random = new SplittableRandom(6);
    for (int i = 0; i < 100_000; i++) {
      long millis = i % 2 == 0 ? random.nextLong(-100_000_000_000_000L, 400_000_000_000_000L) : random.nextLong();
      assertEquals(PATTERN.format(Instant.ofEpochMilli(millis)), Times.format(millis), "at " + millis);
    }
  }
}
