package io.jobpulse.collector.otlp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;

import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class RecentStringsTest {

  private final RecentStrings recent = RecentStrings.ofThisThread();

  @Test
  void anEqualStringIsAnsweredWithTheCopyHeld() {
    String held = recent.canonical(new String("com.acme.Report#run"));

    assertSame(held, recent.canonical(new String("com.acme.Report#run")));
    assertNull(recent.canonical(null));
  }

  @Test
  void stringsCompetingForSlotsAreAlwaysAnsweredWithAnEqualOne() {
    // Far more strings than slots: collisions replace what is held, never answer a wrong string.
    Map<String, String> first = new HashMap<>();
    for (int i = 0; i < 50_000; i++) {
      String s = "job-" + i;
      String answered = recent.canonical(s);
      assertEquals(s, answered);
      first.putIfAbsent(s, answered);
    }
    for (int i = 0; i < 50_000; i++) {
      assertEquals("job-" + i, recent.canonical(new String("job-" + i)));
    }
  }
}
