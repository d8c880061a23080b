package io.jobpulse.collector.otlp;

import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.common.v1.KeyValue;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Typed reads of an OTLP attribute list; a value of the wrong type is an error, not a guess. An
 * absent key and a key without a value both read as absent; of repeated keys the last counts.
 *
 * <p>Nothing is hashed: the keys are freshly decoded strings, and hashing each into a map for
 * every span cost more than comparing it with the few keys wanted (a comparison with a key of
 * another length ends at once). A read scans the list; a {@link Selection} takes many keys in one
 * pass.
 */
final class OtlpAttributes {

  /** A string attribute (an integer is taken as its decimal digits), or {@code null}. */
  static String string(List<KeyValue> attributes, String key) {
    return asString(key, find(attributes, key));
  }

  /** An integer attribute, or {@code absent} when there is none. */
  static long longValue(List<KeyValue> attributes, String key, long absent) {
    AnyValue value = find(attributes, key);
    return value == null ? absent : asLong(key, value);
  }

  /** An integer attribute, or {@code null}: only where absent differs from every number. */
  static Long longOrNull(List<KeyValue> attributes, String key) {
    AnyValue value = find(attributes, key);
    return value == null ? null : asLong(key, value);
  }

  /** An array of strings, empty when absent. */
  static List<String> strings(List<KeyValue> attributes, String key) {
    AnyValue value = find(attributes, key);
    if (value == null) {
      return List.of();
    }
    if (!value.hasArrayValue()) {
      throw wrongType(key, "an array of strings");
    }
    List<AnyValue> elements = value.getArrayValue().getValuesList();
    List<String> result = new ArrayList<>(elements.size());
    for (int i = 0; i < elements.size(); i++) {
      AnyValue element = elements.get(i);
      if (!element.hasStringValue()) {
        throw wrongType(key, "an array of strings");
      }
      result.add(element.getStringValue());
    }
    return result;
  }

  /**
   * The values of a fixed set of keys, taken in one pass over an attribute list: for the many
   * keys of one kind of span, where a read per key would compare every key with every attribute.
   * Listed in the order senders write them, most attributes match at the first comparisons. Holds
   * the last list's values until the next {@link #select}: one per decoder, never shared.
   */
  static final class Selection {
    private final String[] keys;
    private final AnyValue[] values;

    Selection(String... keys) {
      this.keys = keys;
      this.values = new AnyValue[keys.length];
    }

    void select(List<KeyValue> attributes) {
      Arrays.fill(values, null);
      for (int i = 0; i < attributes.size(); i++) {
        KeyValue attribute = attributes.get(i);
        String key = attribute.getKey();
        for (int k = 0; k < keys.length; k++) {
          if (key.equals(keys[k])) {
            values[k] = valueOf(attribute); // a later one replaces it
            break;
          }
        }
      }
    }

    /** Like {@link OtlpAttributes#string}, for the {@code key}-th key. */
    String string(int key) {
      return asString(keys[key], values[key]);
    }

    /** Like {@link OtlpAttributes#longValue}, for the {@code key}-th key. */
    long longValue(int key, long absent) {
      return values[key] == null ? absent : asLong(keys[key], values[key]);
    }

    /** Like {@link OtlpAttributes#longOrNull}, for the {@code key}-th key. */
    Long longOrNull(int key) {
      return values[key] == null ? null : asLong(keys[key], values[key]);
    }

    /** The {@code key}-th key's boolean; absent or of another type reads as {@code false}. */
    boolean isTrue(int key) {
      return values[key] != null && values[key].hasBoolValue() && values[key].getBoolValue();
    }
  }

  /** The value of {@code key}, or {@code null} when absent or without a value. */
  private static AnyValue find(List<KeyValue> attributes, String key) {
    for (int i = attributes.size() - 1; i >= 0; i--) {
      KeyValue attribute = attributes.get(i);
      if (attribute.getKey().equals(key)) {
        return valueOf(attribute);
      }
    }
    return null;
  }

  private static AnyValue valueOf(KeyValue attribute) {
    AnyValue value = attribute.getValue();
    return value.getValueCase() == AnyValue.ValueCase.VALUE_NOT_SET ? null : value;
  }

  private static String asString(String key, AnyValue value) {
    if (value == null) {
      return null;
    }
    return switch (value.getValueCase()) {
      case STRING_VALUE -> value.getStringValue();
      case INT_VALUE -> Long.toString(value.getIntValue());
      default -> throw wrongType(key, "a string");
    };
  }

  private static long asLong(String key, AnyValue value) {
    switch (value.getValueCase()) {
      case INT_VALUE:
        return value.getIntValue();
      case DOUBLE_VALUE:
        return (long) value.getDoubleValue();
      case STRING_VALUE:
        try {
          return Long.parseLong(value.getStringValue().trim());
        } catch (NumberFormatException e) {
          throw wrongType(key, "an integer");
        }
      default:
        throw wrongType(key, "an integer");
    }
  }

  private static IllegalArgumentException wrongType(String key, String expected) {
    return new IllegalArgumentException(key + " must be " + expected);
  }

  private OtlpAttributes() {}
}
