package io.jobpulse.contract;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class DurationsTest {

  @Test
  void parsesEveryUnit() {
    assertEquals(Duration.ofMillis(250), Durations.parse("250ms"));
    assertEquals(Duration.ofSeconds(5), Durations.parse(" 5s "));
    assertEquals(Duration.ofMinutes(2), Durations.parse("2m"));
    assertEquals(Duration.ofHours(1), Durations.parse("1h"));
    assertEquals(Duration.ofDays(3), Durations.parse("3d"));
    assertEquals(Duration.ofMillis(40), Durations.parse("40"));
  }

  @Test
  void rejectsWhatIsNoDuration() {
    for (String bad : new String[] {"", "s", "-5s", "5 sec", "1.5s", "5x", "99999999999999999999s", "999999999999999999d"}) {
      IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Durations.parse(bad), bad);
      assertEquals(true, e.getMessage().contains("e.g. 250ms"), e.getMessage());
    }
  }

  @Test
  void formatsTheShortestExactForm() {
    assertEquals("1500ms", Durations.format(Duration.ofMillis(1500)));
    assertEquals("30s", Durations.format(Duration.ofSeconds(30)));
    assertEquals("2m", Durations.format(Duration.ofMinutes(2)));
    assertEquals("0ms", Durations.format(Duration.ZERO));
  }

  @Test
  void environmentNames() {
    assertEquals("JOBPULSE_HEARTBEAT_INTERVAL", ConfigKeys.environmentName(ConfigKeys.HEARTBEAT_INTERVAL));
    assertEquals("JOBPULSE_REPORT_SHORT_RUNS", ConfigKeys.environmentName(ConfigKeys.REPORT_SHORT_RUNS));
  }
}
