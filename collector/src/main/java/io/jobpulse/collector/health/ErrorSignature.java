package io.jobpulse.collector.health;

import java.util.regex.Pattern;

/**
 * Groups failures whose messages differ only by the values in them: the exception's simple type
 * name and its message with quoted values, UUIDs, hex ids and numbers replaced by placeholders
 * ({@code IllegalStateException: order <n> not found for customer <id>}).
 */
public final class ErrorSignature {

  static final int MAX_LENGTH = 200;

  private static final Pattern QUOTED = Pattern.compile("'[^']*'|\"[^\"]*\"|`[^`]*`");
  private static final Pattern UUID =
      Pattern.compile("\\b[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}\\b");
  /** {@code 0x1f}, or a run of 8+ hex digits with at least one digit (not a plain word such as "deadbeefed"). */
  private static final Pattern HEX = Pattern.compile("\\b0x[0-9a-fA-F]+\\b|\\b(?=[0-9a-fA-F]*\\d)[0-9a-fA-F]{8,}\\b");
  /** An id-like token: letters and digits mixed with {@code _}/{@code -}, e.g. {@code cus_8f3k2}, {@code job-42a}. */
  private static final Pattern MIXED_ID = Pattern.compile("\\b(?=[A-Za-z_-]*\\d)(?=\\w*[A-Za-z])[A-Za-z0-9]+[_-][A-Za-z0-9_-]+\\b");
  private static final Pattern NUMBER = Pattern.compile("(?<![\\w<])-?\\d+(?:[.,]\\d+)*(?![\\w>])");
  private static final Pattern SPACES = Pattern.compile("\\s+");

  /** The signature of a failure; {@code type} and {@code message} may each be {@code null}. */
  public static String of(String type, String message) {
    String simpleType = type == null || type.isBlank() ? "unknown error" : type.substring(type.lastIndexOf('.') + 1);
    if (message == null || message.isBlank()) {
      return simpleType;
    }
    String normalized = QUOTED.matcher(message).replaceAll("<value>");
    normalized = UUID.matcher(normalized).replaceAll("<id>");
    normalized = HEX.matcher(normalized).replaceAll("<id>");
    normalized = MIXED_ID.matcher(normalized).replaceAll("<id>");
    normalized = NUMBER.matcher(normalized).replaceAll("<n>");
    normalized = SPACES.matcher(normalized.strip()).replaceAll(" ");
    String signature = simpleType + ": " + normalized;
    return signature.length() <= MAX_LENGTH ? signature : signature.substring(0, MAX_LENGTH - 1) + "…";
  }

  private ErrorSignature() {}
}
