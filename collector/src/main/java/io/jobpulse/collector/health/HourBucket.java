package io.jobpulse.collector.health;

import com.fasterxml.jackson.annotation.JsonAutoDetect;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Comparator;
import java.util.HashMap;
import java.util.Map;
import java.util.TreeMap;

/**
 * One hour of one job name's outcomes, stored as JSON under a {@link BucketKey}. Mutable, and
 * only ever touched by one thread at a time: the ingest thread while it stages an update, or a
 * request thread reading its own decoded copy.
 */
@JsonAutoDetect(fieldVisibility = JsonAutoDetect.Visibility.ANY)
@JsonInclude(JsonInclude.Include.NON_EMPTY)
final class HourBucket {

  /** Keeps one hour's record bounded however varied the messages: the rarest signature goes first. */
  static final int MAX_SIGNATURES = 50;

  private static final ObjectMapper JSON = JsonMapper.builder()
      .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false)
      .build();

  /** Runs by the status they ended with or the flag raised on them. */
  Map<String, Long> counts = new TreeMap<>();
  Map<String, Long> categories = new TreeMap<>();
  Map<String, SignatureCount> errors = new HashMap<>();
  /** Completed runs' durations, see {@link DurationHistogram}. */
  Map<Integer, Long> durations = new TreeMap<>();
  long completed;
  long failed;
  long flagged;

  /** How often one failure signature was seen in the hour, and when last (collector clock). */
  @JsonAutoDetect(fieldVisibility = JsonAutoDetect.Visibility.ANY)
  static final class SignatureCount {
    String type;
    long count;
    long lastSeenAt;
  }

  void count(String label, long delta) {
    long value = counts.getOrDefault(label, 0L) + delta;
    if (value <= 0) {
      counts.remove(label);
    } else {
      counts.put(label, value);
    }
  }

  void failure(String signature, String type, String category, long at) {
    categories.merge(category, 1L, Long::sum);
    SignatureCount entry = errors.get(signature);
    if (entry == null) {
      if (errors.size() >= MAX_SIGNATURES) {
        errors.entrySet().stream()
            .min(Comparator.comparingLong((Map.Entry<String, SignatureCount> e) -> e.getValue().count)
                .thenComparingLong(e -> e.getValue().lastSeenAt))
            .ifPresent(rarest -> errors.remove(rarest.getKey()));
      }
      entry = new SignatureCount();
      entry.type = type;
      errors.put(signature, entry);
    }
    entry.count++;
    entry.lastSeenAt = Math.max(entry.lastSeenAt, at);
  }

  byte[] encode() {
    try {
      return JSON.writeValueAsBytes(this);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static HourBucket decode(byte[] bytes) {
    try {
      return JSON.readValue(bytes, HourBucket.class);
    } catch (IOException e) {
      throw new UncheckedIOException("a stored health bucket cannot be read: " + e.getMessage(), e);
    }
  }
}
