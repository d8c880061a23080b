package io.jobpulse.sample;

import java.util.HashMap;
import java.util.Map;
import java.util.Set;

/** A scenario's {@code --name value} options, checked against the names it accepts. */
final class Options {

  private final Map<String, String> values;

  private Options(Map<String, String> values) {
    this.values = values;
  }

  /**
   * Parses {@code args[from..]} as {@code --name value} pairs.
   *
   * @throws IllegalArgumentException naming the option at fault and what is allowed
   */
  static Options parse(String scenario, String[] args, int from, Set<String> allowed) {
    Map<String, String> values = new HashMap<>();
    for (int i = from; i < args.length; i += 2) {
      if (!allowed.contains(args[i])) {
        throw new IllegalArgumentException(
            "unknown option for " + scenario + ": " + args[i] + " (allowed: " + allowed + ")");
      }
      if (i + 1 == args.length) {
        throw new IllegalArgumentException("missing value for " + args[i]);
      }
      values.put(args[i], args[i + 1]);
    }
    return new Options(values);
  }

  String string(String name, String defaultValue) {
    return values.getOrDefault(name, defaultValue);
  }

  /** A whole number from 0 to {@code max}. */
  long number(String name, long defaultValue, long max) {
    String value = values.get(name);
    if (value == null) {
      return defaultValue;
    }
    long parsed;
    try {
      parsed = Long.parseLong(value);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(name + " must be a whole number: " + value);
    }
    if (parsed < 0) {
      throw new IllegalArgumentException(name + " must not be negative: " + value);
    }
    if (parsed > max) {
      throw new IllegalArgumentException(name + " must be at most " + max + ": " + value);
    }
    return parsed;
  }

  long number(String name, long defaultValue) {
    return number(name, defaultValue, Long.MAX_VALUE);
  }

  /** A count that sizes a collection: at most ten million. */
  int count(String name, int defaultValue) {
    return (int) number(name, defaultValue, 10_000_000);
  }

  /** One of {@code allowed}. */
  String choice(String name, String defaultValue, Set<String> allowed) {
    String value = string(name, defaultValue);
    if (!allowed.contains(value)) {
      throw new IllegalArgumentException(name + " must be one of " + allowed + ": " + value);
    }
    return value;
  }
}
