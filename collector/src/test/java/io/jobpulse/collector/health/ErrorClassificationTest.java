package io.jobpulse.collector.health;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jobpulse.collector.state.ErrorClassifier;
import org.junit.jupiter.api.Test;

class ErrorClassificationTest {

  @Test
  void categoriesFromTypesAndMessageHints() {
    assertEquals("timeout", ErrorClassifier.categorize("java.net.SocketTimeoutException", "Read timed out"));
    assertEquals("timeout", ErrorClassifier.categorize("java.util.concurrent.TimeoutException", null));
    assertEquals("authentication", ErrorClassifier.categorize("com.acme.AuthenticationException", "bad password"));
    assertEquals("authentication", ErrorClassifier.categorize("org.springframework.security.access.AccessDeniedException", null));
    assertEquals("authentication", ErrorClassifier.categorize("java.io.IOException", "Server returned HTTP response code: 401"));
    assertEquals("authentication", ErrorClassifier.categorize("com.acme.ApiException", "status 403 Forbidden"));
    assertEquals("missing_record", ErrorClassifier.categorize("java.util.NoSuchElementException", "No value present"));
    assertEquals("missing_record", ErrorClassifier.categorize("javax.persistence.EntityNotFoundException", null));
    assertEquals("missing_record", ErrorClassifier.categorize("java.io.FileNotFoundException", "/data/in.csv"));
    assertEquals("missing_record", ErrorClassifier.categorize("java.lang.IllegalStateException", "order 401 not found"),
        "a number in a message is no HTTP status");
    assertEquals("code_defect", ErrorClassifier.categorize("java.lang.NullPointerException", null));
    assertEquals("code_defect", ErrorClassifier.categorize("java.lang.IllegalArgumentException", "negative amount"));
    assertEquals("code_defect", ErrorClassifier.categorize("java.lang.IllegalStateException", "already closed"));
    assertEquals("code_defect", ErrorClassifier.categorize("java.lang.ClassCastException", null));
    assertEquals("code_defect", ErrorClassifier.categorize("java.lang.ArrayIndexOutOfBoundsException", "Index 5"));
    assertEquals("resource_exhaustion", ErrorClassifier.categorize("java.lang.OutOfMemoryError", "Java heap space"));
    assertEquals("resource_exhaustion", ErrorClassifier.categorize("java.util.concurrent.RejectedExecutionException", null));
    assertEquals("resource_exhaustion", ErrorClassifier.categorize("org.postgresql.util.PSQLException", "FATAL: too many connections"));
    assertEquals("transient_io", ErrorClassifier.categorize("java.io.IOException", "Broken pipe"));
    assertEquals("transient_io", ErrorClassifier.categorize("java.net.ConnectException", "Connection refused"));
    assertEquals("transient_io", ErrorClassifier.categorize("java.net.SocketException", "Connection reset"));
    assertEquals("unknown", ErrorClassifier.categorize("com.acme.BusinessRuleViolation", "credit limit"));
    assertEquals("unknown", ErrorClassifier.categorize(null, null));
    assertTrue(ErrorClassifier.CATEGORIES.contains(ErrorClassifier.categorize("x.Y", "z")));
  }

  @Test
  void signaturesReplaceTheValuesInMessages() {
    assertEquals("IllegalStateException: order <n> not found for customer <id>", ErrorSignature.of(
        "java.lang.IllegalStateException", "order 4711 not found for customer 3f2a9c1e-7b4d-4e2f-9a61-0c5d8e7f1a2b"));
    assertEquals(ErrorSignature.of("java.lang.IllegalStateException", "order 12 not found for customer 9f8e7d6c5b4a"),
        ErrorSignature.of("java.lang.IllegalStateException", "order 99999 not found for customer 0a1b2c3d4e5f"));
    assertEquals("IllegalArgumentException: unknown currency <value> in line <n>",
        ErrorSignature.of("java.lang.IllegalArgumentException", "unknown currency 'XBT' in line 17"));
    assertEquals("IOException: cannot read <value> at offset <n>",
        ErrorSignature.of("java.io.IOException", "cannot read \"/tmp/a b.csv\" at offset 1,024"));
    assertEquals("RuntimeException: lock <id> held by <id>",
        ErrorSignature.of("RuntimeException", "lock 0x7f3a held by job-42a"));
    assertEquals("NullPointerException", ErrorSignature.of("java.lang.NullPointerException", null));
    assertEquals("unknown error: boom", ErrorSignature.of(null, "boom"));
    assertTrue(ErrorSignature.of("E", "x".repeat(1000)).length() <= ErrorSignature.MAX_LENGTH);
  }

  @Test
  void scoreIsTheSuccessShareMinusPenaltiesBounded() {
    assertNull(HealthScore.of(0, 0, 0, 0), "nothing to judge");
    assertEquals(100, HealthScore.of(10, 10, 0, 0));
    assertEquals(75, HealthScore.of(3, 4, 0, 0));
    assertEquals(57, HealthScore.of(8, 12, 1, 0), "67 - 10 for one crash");
    assertEquals(85, HealthScore.of(10, 10, 0, 3), "100 - 3 × 5 for live flags");
    assertEquals(0, HealthScore.of(1, 20, 15, 2), "never below 0");
    assertEquals(95, HealthScore.of(0, 0, 0, 1), "a flag alone on a name with no ended run");
  }

  @Test
  void histogramQuantilesAreWithinABucket() {
    DurationHistogram histogram = new DurationHistogram();
    for (long ms = 1; ms <= 1000; ms++) {
      histogram.add(ms, 1);
    }
    long p50 = histogram.quantile(0.5);
    long p95 = histogram.quantile(0.95);
    assertTrue(Math.abs(p50 - 500) <= 500 * 0.1, "p50 " + p50);
    assertTrue(Math.abs(p95 - 950) <= 950 * 0.1, "p95 " + p95);
    assertNull(new DurationHistogram().quantile(0.5));
  }
}
