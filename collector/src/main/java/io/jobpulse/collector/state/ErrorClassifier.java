package io.jobpulse.collector.state;

import java.util.Locale;

/**
 * Puts a failure in a coarse category from its exception type name, so that thousands of failures
 * group into a few kinds: {@code timeout}, {@code network}, {@code database}, {@code resource},
 * {@code interrupted}, {@code validation}, {@code bug}, else {@code unknown}. Name-based on
 * purpose: the collector never sees the application's classes.
 */
public final class ErrorClassifier {

  public static final String UNKNOWN = "unknown";

  /** The category of an exception type name such as {@code java.net.SocketTimeoutException}. */
  public static String categorize(String exceptionType) {
    if (exceptionType == null || exceptionType.isBlank()) {
      return UNKNOWN;
    }
    String simple = exceptionType.substring(exceptionType.lastIndexOf('.') + 1).toLowerCase(Locale.ROOT);
    String full = exceptionType.toLowerCase(Locale.ROOT);
    // Order matters: a SocketTimeoutException is a timeout before it is a network problem.
    if (simple.contains("timeout") || simple.contains("timedout")) {
      return "timeout";
    }
    if (simple.contains("interrupted")) {
      return "interrupted";
    }
    if (full.startsWith("java.net.") || simple.contains("connect") || simple.contains("socket")
        || simple.contains("unknownhost") || simple.contains("http")) {
      return "network";
    }
    if (full.startsWith("java.sql.") || simple.contains("sql") || simple.contains("dataaccess")
        || simple.contains("jdbc") || simple.contains("deadlock") || simple.contains("lock")) {
      return "database";
    }
    if (simple.equals("outofmemoryerror") || simple.equals("stackoverflowerror")
        || simple.contains("rejectedexecution") || simple.contains("nospace")) {
      return "resource";
    }
    if (simple.equals("illegalargumentexception") || simple.contains("validation")
        || simple.contains("numberformat") || simple.contains("parse") || simple.contains("constraint")) {
      return "validation";
    }
    if (simple.equals("nullpointerexception") || simple.equals("classcastexception")
        || simple.contains("indexoutofbounds") || simple.equals("illegalstateexception")
        || simple.equals("unsupportedoperationexception") || simple.equals("arithmeticexception")) {
      return "bug";
    }
    return UNKNOWN;
  }

  private ErrorClassifier() {}
}
