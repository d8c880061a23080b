package io.jobpulse.collector.health;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** A health bucket's stored record: read back as written, and the JSON of earlier versions still read. */
class HourBucketTest {

  @Test
  void aBucketIsReadBackAsWritten() {
    HourBucket bucket = new HourBucket();
    bucket.count("COMPLETED", 7);
    bucket.count("STUCK", 1);
    bucket.failure("IllegalStateException: order <n> not found", "java.lang.IllegalStateException", "missing_record", 1_700_000_000_123L);
    bucket.failure("IllegalStateException: order <n> not found", "java.lang.IllegalStateException", "missing_record", 1_700_000_000_456L);
    bucket.failure("no type", null, "unknown", 5L);
    bucket.durations.add(250, 6);
    bucket.durations.add(1, 1);
    bucket.completed = 7;
    bucket.failed = 3;
    bucket.flagged = 1;

    assertSame(bucket, HourBucket.decode(bucket.encode()));
    assertSame(new HourBucket(), HourBucket.decode(new HourBucket().encode()));
  }

  @Test
  void theJsonOfEarlierVersionsIsStillRead() {
    String stored = """
        {"counts":{"COMPLETED":3,"FAILED":1},"categories":{"timeout":1},
         "errors":{"SocketTimeoutException: Read timed out":{"type":"java.net.SocketTimeoutException","count":1,"lastSeenAt":1700000000000}},
         "durations":{"32":3},"completed":3,"failed":1}""";
    HourBucket bucket = HourBucket.decode(stored.getBytes(StandardCharsets.UTF_8));
    assertEquals(Map.of("COMPLETED", 3L, "FAILED", 1L), bucket.counts);
    assertEquals(Map.of("timeout", 1L), bucket.categories);
    HourBucket.SignatureCount error = bucket.errors.get("SocketTimeoutException: Read timed out");
    assertEquals("java.net.SocketTimeoutException", error.type);
    assertEquals(1, error.count);
    assertEquals(1_700_000_000_000L, error.lastSeenAt);
    assertEquals(DurationHistogram.of(Map.of(32, 3L)), bucket.durations);
    assertEquals(3, bucket.durations.count(32));
    assertEquals(3, bucket.completed);
    assertEquals(1, bucket.failed);
    assertEquals(0, bucket.flagged);
    // And written again in the current format, unchanged.
    assertSame(bucket, HourBucket.decode(bucket.encode()));
  }

  private static void assertSame(HourBucket expected, HourBucket actual) {
    assertEquals(expected.counts, actual.counts);
    assertEquals(expected.categories, actual.categories);
    assertEquals(expected.durations, actual.durations);
    assertEquals(expected.errors.keySet(), actual.errors.keySet());
    expected.errors.forEach((signature, count) -> {
      HourBucket.SignatureCount read = actual.errors.get(signature);
      assertEquals(count.type, read.type, signature);
      assertEquals(count.count, read.count, signature);
      assertEquals(count.lastSeenAt, read.lastSeenAt, signature);
    });
    assertEquals(expected.completed, actual.completed);
    assertEquals(expected.failed, actual.failed);
    assertEquals(expected.flagged, actual.flagged);
    if (expected.errors.containsKey("no type")) {
      assertNull(actual.errors.get("no type").type);
    }
  }
}
