package io.jobpulse.collector.alert;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;

/**
 * One alert waiting for one target, as stored in the outbox. Immutable.
 *
 * @param idempotencyKey the same for every attempt and every target of one alert: the receiver's
 *     way to tell a retry from a new alert
 * @param body the rendered request body, fixed when the alert is raised
 * @param nextAttemptAt epoch millis, collector clock
 */
record OutboxEntry(String idempotencyKey, String url, AlertConfig.Format format, String body, int attempts,
    long nextAttemptAt, long createdAt) {

  private static final ObjectMapper JSON = JsonMapper.builder()
      .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false).build();

  /** The outbox key: one entry per alert and target, so raising the same alert again replaces it. */
  byte[] key() {
    return (idempotencyKey + "\u0000" + url).getBytes(StandardCharsets.UTF_8);
  }

  OutboxEntry retryAt(long at) {
    return new OutboxEntry(idempotencyKey, url, format, body, attempts + 1, at, createdAt);
  }

  byte[] encode() {
    try {
      return JSON.writeValueAsBytes(this);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static OutboxEntry decode(byte[] bytes) {
    try {
      return JSON.readValue(bytes, OutboxEntry.class);
    } catch (IOException e) {
      throw new UncheckedIOException("an outbox entry cannot be read: " + e.getMessage(), e);
    }
  }
}
