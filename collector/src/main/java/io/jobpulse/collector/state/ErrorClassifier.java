package io.jobpulse.collector.state;

import java.util.List;
import java.util.Locale;

/**
 * Puts a failure in a coarse category, so that thousands of failures group into a few kinds an
 * operator acts on differently: {@value #TIMEOUT}, {@value #AUTHENTICATION}, {@value
 * #MISSING_RECORD}, {@value #CODE_DEFECT}, {@value #RESOURCE_EXHAUSTION}, {@value #TRANSIENT_IO},
 * else {@value #UNKNOWN}. Name-based on purpose (the collector never sees the application's
 * classes), with a few hints from the message for exceptions whose type says little.
 */
public final class ErrorClassifier {

  public static final String TIMEOUT = "timeout";
  public static final String AUTHENTICATION = "authentication";
  public static final String MISSING_RECORD = "missing_record";
  public static final String CODE_DEFECT = "code_defect";
  public static final String RESOURCE_EXHAUSTION = "resource_exhaustion";
  public static final String TRANSIENT_IO = "transient_io";
  public static final String UNKNOWN = "unknown";

  /** Every category, in the order the health view lists them. */
  public static final List<String> CATEGORIES = List.of(
      TIMEOUT, AUTHENTICATION, MISSING_RECORD, CODE_DEFECT, RESOURCE_EXHAUSTION, TRANSIENT_IO, UNKNOWN);

  /** The category of an exception type name such as {@code java.net.SocketTimeoutException}. */
  public static String categorize(String exceptionType) {
    return categorize(exceptionType, null);
  }

  /** The category of an exception from its type name and, as a hint, its message. */
  public static String categorize(String exceptionType, String message) {
    String simple = exceptionType == null ? ""
        : exceptionType.substring(exceptionType.lastIndexOf('.') + 1).toLowerCase(Locale.ROOT);
    String text = message == null ? "" : message.toLowerCase(Locale.ROOT);
    // Order matters: a SocketTimeoutException is a timeout before it is an I/O problem, an
    // exhausted connection pool is exhaustion before it is I/O, a 401 is authentication whatever
    // the client library calls its exception.
    if (simple.contains("timeout") || simple.contains("timedout") || text.contains("timed out")) {
      return TIMEOUT;
    }
    if (simple.contains("authentication") || simple.contains("accessdenied") || simple.contains("unauthorized")
        || simple.contains("forbidden") || simple.contains("notauthorized") || simple.contains("credential")
        || mentionsStatus(text, "401") || mentionsStatus(text, "403") || text.contains("unauthorized")
        || text.contains("access denied") || text.contains("forbidden")) {
      return AUTHENTICATION;
    }
    if (simple.equals("outofmemoryerror") || simple.equals("stackoverflowerror")
        || simple.contains("rejectedexecution") || simple.contains("nospace")
        || text.contains("too many connections") || text.contains("too many open files")
        || text.contains("no space left") || text.contains("pool exhausted") || text.contains("connection pool")) {
      return RESOURCE_EXHAUSTION;
    }
    if (simple.equals("nosuchelementexception") || simple.contains("notfound") || simple.contains("nosuchfile")
        || simple.contains("emptyresult") || text.contains("not found") || text.contains("no such")) {
      return MISSING_RECORD;
    }
    if (simple.equals("nullpointerexception") || simple.equals("illegalargumentexception")
        || simple.equals("illegalstateexception") || simple.equals("classcastexception")
        || simple.contains("indexoutofbounds") || simple.equals("unsupportedoperationexception")
        || simple.equals("arithmeticexception") || simple.equals("numberformatexception")
        || simple.equals("concurrentmodificationexception")) {
      return CODE_DEFECT;
    }
    if (simple.contains("ioexception") || simple.contains("connect") || simple.contains("socket")
        || simple.contains("unknownhost") || simple.contains("eof") || simple.contains("sqltransient")
        || simple.contains("deadlock") || simple.contains("sqlrecoverable")
        || (exceptionType != null && exceptionType.startsWith("java.net.")) || text.contains("deadlock")
        || text.contains("connection reset") || text.contains("broken pipe")) {
      return TRANSIENT_IO;
    }
    return UNKNOWN;
  }

  /**
   * Whether {@code text} mentions an HTTP status as a number of its own in a message about HTTP
   * ("HTTP 401", "status=403"), not any number ("order 401 not found").
   */
  private static boolean mentionsStatus(String text, String status) {
    if (!text.contains("http") && !text.contains("status") && !text.contains("code")) {
      return false;
    }
    int at = text.indexOf(status);
    while (at >= 0) {
      boolean before = at == 0 || !Character.isDigit(text.charAt(at - 1));
      int end = at + status.length();
      boolean after = end == text.length() || !Character.isDigit(text.charAt(end));
      if (before && after) {
        return true;
      }
      at = text.indexOf(status, at + 1);
    }
    return false;
  }

  private ErrorClassifier() {}
}
