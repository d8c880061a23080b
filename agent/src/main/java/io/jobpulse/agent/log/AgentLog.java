package io.jobpulse.agent.log;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The agent's own voice: a few lines on standard error, each kind of problem said once.
 *
 * <p>The agent lives inside someone else's application, so it must neither flood its output nor
 * hide its own failures: every failure is counted, and the first of each kind is logged.
 */
public final class AgentLog {

  private static final String PREFIX = "[jobpulse] ";
  private static final Set<String> SAID = ConcurrentHashMap.newKeySet();
  private static final AtomicLong FAILURES = new AtomicLong();

  /** Logs {@code message} unless a message with this {@code key} was logged already. */
  public static void warnOnce(String key, String message) {
    if (SAID.add(key)) {
      System.err.println(PREFIX + message);
    }
  }

  /** Logs {@code message} every time; for the rare events the user must see. */
  public static void info(String message) {
    System.err.println(PREFIX + message);
  }

  /**
   * Counts an agent failure; the first of each {@code where} is logged with its cause. Never
   * throws, whatever {@code failure} does in its {@code toString}.
   */
  public static void failure(String where, Throwable failure) {
    FAILURES.incrementAndGet();
    if (SAID.add("failure:" + where)) {
      String cause;
      try {
        cause = String.valueOf(failure);
      } catch (Throwable t) {
        cause = failure.getClass().getName();
      }
      System.err.println(PREFIX + "internal error in " + where + " (the application is unaffected; further errors of this kind are counted, not logged): " + cause);
    }
  }

  /** How many agent failures happened since start. */
  public static long failures() {
    return FAILURES.get();
  }

  private AgentLog() {}
}
