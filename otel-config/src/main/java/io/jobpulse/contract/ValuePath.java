package io.jobpulse.contract;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Objects;

/**
 * Where a value comes from among a job method's arguments: {@code arg0}, {@code arg1.jobId},
 * {@code arg0.batch.size}. Each property after the argument is read, in this order of preference,
 * by a getter ({@code getJobId()}, {@code isX()}), a no-argument method of that name (record
 * accessors, {@code size()}), or a field of that name.
 */
public final class ValuePath {

  private final int argumentIndex;
  private final List<String> properties;

  private ValuePath(int argumentIndex, List<String> properties) {
    this.argumentIndex = argumentIndex;
    this.properties = Collections.unmodifiableList(properties);
  }

  /**
   * Parses {@code arg<N>[.property]*}.
   *
   * @throws IllegalArgumentException with the accepted syntax when {@code text} is not one
   */
  public static ValuePath parse(String text) {
    String[] parts = text.trim().split("\\.", -1);
    String head = parts[0];
    if (!head.startsWith("arg") || head.length() == 3 || head.length() > 5) {
      throw invalid(text);
    }
    int index;
    try {
      index = Integer.parseInt(head.substring(3));
    } catch (NumberFormatException e) {
      throw invalid(text);
    }
    if (index < 0) {
      throw invalid(text);
    }
    List<String> properties = new ArrayList<>(parts.length - 1);
    for (int i = 1; i < parts.length; i++) {
      if (!isJavaIdentifier(parts[i])) {
        throw invalid(text);
      }
      properties.add(parts[i]);
    }
    return new ValuePath(index, properties);
  }

  public int argumentIndex() {
    return argumentIndex;
  }

  /** The properties read one after the other from the argument; empty for the argument itself. */
  public List<String> properties() {
    return properties;
  }

  private static boolean isJavaIdentifier(String s) {
    if (s.isEmpty() || !Character.isJavaIdentifierStart(s.charAt(0))) {
      return false;
    }
    for (int i = 1; i < s.length(); i++) {
      if (!Character.isJavaIdentifierPart(s.charAt(i))) {
        return false;
      }
    }
    return true;
  }

  private static IllegalArgumentException invalid(String text) {
    return new IllegalArgumentException(
        "invalid value path '" + text + "': expected arg<N> followed by .property names, e.g. arg0.jobId or arg1.size");
  }

  @Override
  public boolean equals(Object o) {
    if (!(o instanceof ValuePath)) {
      return false;
    }
    ValuePath that = (ValuePath) o;
    return argumentIndex == that.argumentIndex && properties.equals(that.properties);
  }

  @Override
  public int hashCode() {
    return Objects.hash(argumentIndex, properties);
  }

  @Override
  public String toString() {
    StringBuilder s = new StringBuilder("arg").append(argumentIndex);
    for (String property : properties) {
      s.append('.').append(property);
    }
    return s.toString();
  }
}
