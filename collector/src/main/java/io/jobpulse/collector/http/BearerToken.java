package io.jobpulse.collector.http;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Optional;

/**
 * A shared secret presented as {@code Authorization: Bearer <token>} (HTTP header or gRPC
 * metadata). Both tokens are hashed before they are compared, so the comparison takes the same
 * time whatever the presented token is, its length included; neither token ever reaches a message
 * or a log.
 */
public final class BearerToken {

  private static final String BEARER = "bearer ";

  /** The SHA-256 of the expected token; {@code null} when none is required. */
  private final byte[] expectedDigest;

  private BearerToken(byte[] expectedDigest) {
    this.expectedDigest = expectedDigest;
  }

  /** The check for {@code token}; an empty one lets every request through. */
  public static BearerToken of(Optional<String> token) {
    return new BearerToken(token.map(BearerToken::digest).orElse(null));
  }

  /** Whether a token is required at all. */
  public boolean required() {
    return expectedDigest != null;
  }

  /** Whether {@code header} ({@code Authorization}'s value, may be {@code null}) carries the token. */
  public boolean allows(String header) {
    if (expectedDigest == null) {
      return true;
    }
    if (header == null || !header.regionMatches(true, 0, BEARER, 0, BEARER.length())) {
      return false;
    }
    return MessageDigest.isEqual(expectedDigest, digest(header.substring(BEARER.length()).trim()));
  }

  private static byte[] digest(String token) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.UTF_8));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every Java runtime has SHA-256", e);
    }
  }

  @Override
  public String toString() {
    return required() ? "BearerToken[required]" : "BearerToken[none]";
  }
}
