package io.jobpulse.collector.health;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import java.util.Arrays;
import java.util.Map;
import org.junit.jupiter.api.Test;

class DurationHistogramTest {

  @Test
  void countsGoToTheBucketOfTheirDurationAndTheLongestShareTheLast() {
    DurationHistogram histogram = new DurationHistogram();
    histogram.add(1, 2);
    histogram.add(250, 3);
    histogram.add(Long.MAX_VALUE, 1);

    assertEquals(2, histogram.count(0));
    assertEquals(3, histogram.count(DurationHistogram.indexOf(250)));
    assertEquals(1, histogram.count(DurationHistogram.MAX_INDEX));
    assertEquals(DurationHistogram.MAX_INDEX + 1, histogram.bucketLimit());
    assertEquals(0, histogram.count(DurationHistogram.MAX_INDEX + 5), "past the end: empty, not an error");
  }

  @Test
  void mergedHistogramsAddUpAndCompareByTheirCountsOnly() {
    DurationHistogram shortRuns = DurationHistogram.of(Map.of(3, 4L));
    DurationHistogram longRuns = DurationHistogram.of(Map.of(60, 1L));
    DurationHistogram merged = new DurationHistogram();
    merged.addAll(shortRuns);
    merged.addAll(longRuns);

    assertEquals(DurationHistogram.of(Map.of(3, 4L, 60, 1L)), merged);
    assertEquals(DurationHistogram.of(Map.of(3, 4L, 60, 1L)).hashCode(), merged.hashCode());
    assertEquals(shortRuns, DurationHistogram.of(Map.of(3, 4L, 60, 0L)), "a bucket holding nothing is no difference");
    assertNotEquals(shortRuns, merged);
    assertEquals("{3=4, 60=1}", merged.toString());
    assertEquals(DurationHistogram.representativeMs(3), merged.quantile(0.5));
    assertEquals(DurationHistogram.representativeMs(60), merged.quantile(1.0));
  }

  @Test
  void theOrderRunsEndInChangesNothingThoughTheCountsGrowWithRoomToSpare() {
    long[] durations = {2, 40, 900, 15_000, 3_600_000, 7, 120_000};
    DurationHistogram ascending = new DurationHistogram();
    DurationHistogram descending = new DurationHistogram();
    long[] sorted = durations.clone();
    Arrays.sort(sorted);
    for (int i = 0; i < sorted.length; i++) {
      ascending.add(sorted[i], 1);
      descending.add(sorted[sorted.length - 1 - i], 1);
    }

    assertEquals(descending, ascending);
    assertEquals(descending.hashCode(), ascending.hashCode());
    assertEquals(descending.toString(), ascending.toString());
    for (double quantile : new double[] {0.1, 0.5, 0.95, 1.0}) {
      assertEquals(descending.quantile(quantile), ascending.quantile(quantile));
    }
    ascending.add(Long.MAX_VALUE, 1);
    assertEquals(DurationHistogram.MAX_INDEX + 1, ascending.bucketLimit(), "never longer than the last bucket");
  }
}
