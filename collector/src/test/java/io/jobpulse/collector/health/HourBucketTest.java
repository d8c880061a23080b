package io.jobpulse.collector.health;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.jobpulse.collector.state.FlagType;
import io.jobpulse.collector.state.JobStatus;
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
    bucket.count("A_LABEL_OF_A_LATER_VERSION", 2);
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
  void aTransactionsChangesAreMergedAndNoCountFallsBelowZero() {
    HourBucket kept = new HourBucket();
    kept.count(JobStatus.COMPLETED, 2);
    kept.count(FlagType.CRASHED, 1); // the same label as the status CRASHED
    kept.count("A_LABEL_OF_A_LATER_VERSION", 1);
    HourBucket delta = new HourBucket();
    delta.count(JobStatus.COMPLETED, 1);
    delta.count(JobStatus.CRASHED, -1); // a false positive taken back
    delta.count(FlagType.STUCK, -1); // taken back from an hour that no longer counts it
    delta.count("A_LABEL_OF_A_LATER_VERSION", -1);
    delta.count("ANOTHER_LATER_LABEL", 4);

    kept.merge(delta);

    assertEquals(Map.of("COMPLETED", 3L, "ANOTHER_LATER_LABEL", 4L), kept.counts());
    assertSame(kept, HourBucket.decode(kept.encode()));
  }

  @Test
  void theJsonOfEarlierVersionsIsStillRead() {
    String stored = """
        {"counts":{"COMPLETED":3,"FAILED":1},"categories":{"timeout":1},
         "errors":{"SocketTimeoutException: Read timed out":{"type":"java.net.SocketTimeoutException","count":1,"lastSeenAt":1700000000000}},
         "durations":{"32":3},"completed":3,"failed":1}""";
    HourBucket bucket = HourBucket.decode(stored.getBytes(StandardCharsets.UTF_8));
    assertEquals(Map.of("COMPLETED", 3L, "FAILED", 1L), bucket.counts());
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
    assertEquals(expected.counts(), actual.counts());
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
