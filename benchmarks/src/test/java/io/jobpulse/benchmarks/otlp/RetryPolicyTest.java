package io.jobpulse.benchmarks.otlp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class RetryPolicyTest {

  @Test
  void waitsWhatRetryAfterSaysWithinBounds() {
    assertEquals(2_000, RetryPolicy.waitMillis("2"));
    assertEquals(3_000, RetryPolicy.waitMillis(" 3 "));
    assertEquals(10, RetryPolicy.waitMillis("0"));
    assertEquals(5_000, RetryPolicy.waitMillis("60"));
  }

  @Test
  void waitsASecondWhenRetryAfterIsAbsentOrNotSeconds() {
    assertEquals(1_000, RetryPolicy.waitMillis(null));
    assertEquals(1_000, RetryPolicy.waitMillis("Wed, 21 Oct 2026 07:28:00 GMT"));
  }

  @Test
  void retriesOnlyWhatAsksToTryLater() {
    assertTrue(RetryPolicy.isRetryable(429));
    assertTrue(RetryPolicy.isRetryable(503));
    assertFalse(RetryPolicy.isRetryable(500));
    assertFalse(RetryPolicy.isRetryable(400));
  }
}
