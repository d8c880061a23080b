package io.jobpulse.agent.config;

import io.jobpulse.agent.log.AgentLog;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Parses the {@code -javaagent:jobpulse-agent.jar=key=value,key=value} argument string.
 *
 * <p>Keys may omit the {@code jobpulse.} prefix. Values of {@code jobpulse.jobs} carry commas of
 * their own inside {@code (id=...,total=...)}, so entries are split on commas outside parentheses
 * only.
 */
public final class AgentArguments {

  static final String PREFIX = "jobpulse.";

  /** The settings in {@code arguments}, by full key; an entry without {@code =} is logged and skipped. */
  public static Map<String, String> parse(String arguments) {
    Map<String, String> settings = new LinkedHashMap<>();
    if (arguments == null) {
      return settings;
    }
    for (String entry : splitOutsideParentheses(arguments)) {
      if (entry.trim().isEmpty()) {
        continue;
      }
      int eq = entry.indexOf('=');
      if (eq <= 0) {
        AgentLog.warnOnce("arg:" + entry, "ignoring agent argument '" + entry + "': expected key=value, e.g. heartbeat.interval=5s");
        continue;
      }
      settings.put(fullKey(entry.substring(0, eq).trim()), entry.substring(eq + 1).trim());
    }
    return Collections.unmodifiableMap(settings);
  }

  /** {@code heartbeat.interval} and {@code jobpulse.heartbeat.interval} name the same key. */
  static String fullKey(String key) {
    return key.startsWith(PREFIX) ? key : PREFIX + key;
  }

  static List<String> splitOutsideParentheses(String text) {
    List<String> parts = new ArrayList<>();
    int depth = 0;
    int start = 0;
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (c == '(') {
        depth++;
      } else if (c == ')' && depth > 0) {
        depth--;
      } else if (c == ',' && depth == 0) {
        parts.add(text.substring(start, i));
        start = i + 1;
      }
    }
    parts.add(text.substring(start));
    return parts;
  }

  private AgentArguments() {}
}
