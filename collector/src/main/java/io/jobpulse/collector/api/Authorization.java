package io.jobpulse.collector.api;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Locale;
import java.util.Optional;

/**
 * The API token check of mutating calls. The comparison takes the same time wherever the
 * presented token first differs, and neither token ever reaches a message or a log.
 */
final class Authorization {

  private static final String BEARER = "bearer ";

  private final byte[] expected;

  Authorization(Optional<String> token) {
    this.expected = token.map(t -> t.getBytes(StandardCharsets.UTF_8)).orElse(null);
  }

  boolean required() {
    return expected != null;
  }

  /** Whether {@code header} ({@code Authorization}'s value, may be {@code null}) carries the token. */
  boolean allows(String header) {
    if (expected == null) {
      return true;
    }
    if (header == null || header.length() < BEARER.length()
        || !header.substring(0, BEARER.length()).toLowerCase(Locale.ROOT).equals(BEARER)) {
      return false;
    }
    byte[] presented = header.substring(BEARER.length()).trim().getBytes(StandardCharsets.UTF_8);
    return MessageDigest.isEqual(expected, presented);
  }
}
