package io.jobpulse.collector.otlp;

import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.common.v1.KeyValue;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The values of a fixed set of attribute keys, taken in one pass over an attribute list: from
 * parsed messages ({@link #select}) or as {@link WireSpans} reads them off the wire. Reads are
 * typed; a value of the wrong type is an error, not a guess. An absent key and a key without a
 * value both read as absent; of repeated keys the last counts. Holds one list's values until it
 * is cleared: one per decoder, never shared.
 *
 * <p>Nothing is hashed: a key is compared with the few wanted ones, and a comparison with a key of
 * another length ends at once. Listed in the order senders write them, most keys match at the
 * first comparisons.
 */
final class AttributeValues {

  private static final byte ABSENT = 0;
  private static final byte STRING = 1;
  private static final byte INT = 2;
  private static final byte DOUBLE = 3;
  private static final byte BOOL = 4;
  private static final byte STRING_ARRAY = 5;
  /** An array with an element that is not a string: no read takes it. */
  private static final byte OTHER_ARRAY = 6;
  /** A key-value list or bytes: no read takes them either. */
  private static final byte OTHER = 7;

  private final String[] keys;
  private final byte[][] utf8Keys;
  private final byte[] types;
  /** INT and BOOL (0 or 1) values, DOUBLE values as their bits. */
  private final long[] numbers;
  /** STRING values (a {@code String}) and STRING_ARRAY values (a {@code List<String>}). */
  private final Object[] objects;

  AttributeValues(String... keys) {
    this.keys = keys.clone();
    this.utf8Keys = new byte[keys.length][];
    for (int k = 0; k < keys.length; k++) {
      utf8Keys[k] = keys[k].getBytes(StandardCharsets.UTF_8);
    }
    this.types = new byte[keys.length];
    this.numbers = new long[keys.length];
    this.objects = new Object[keys.length];
  }

  void clear() {
    Arrays.fill(types, ABSENT);
    Arrays.fill(objects, null);
  }

  /** Takes the wanted keys' values from a parsed list, in place of what was held. */
  void select(List<KeyValue> attributes) {
    clear();
    for (int i = 0; i < attributes.size(); i++) {
      put(attributes.get(i));
    }
  }

  /** Takes {@code attribute}'s value when its key is wanted: it replaces an earlier one. */
  void put(KeyValue attribute) {
    int k = indexOf(attribute.getKey());
    if (k >= 0) {
      put(k, attribute.getValue());
    }
  }

  /** The index of {@code key} among the wanted keys, or -1. */
  int indexOf(String key) {
    for (int k = 0; k < keys.length; k++) {
      if (key.equals(keys[k])) {
        return k;
      }
    }
    return -1;
  }

  /** The index of the key encoded in {@code bytes[offset, offset + length)} as UTF-8, or -1. */
  int indexOf(byte[] bytes, int offset, int length) {
    for (int k = 0; k < utf8Keys.length; k++) {
      byte[] key = utf8Keys[k];
      if (key.length == length && Arrays.equals(key, 0, length, bytes, offset, offset + length)) {
        return k;
      }
    }
    return -1;
  }

  private void put(int k, AnyValue value) {
    switch (value.getValueCase()) {
      case STRING_VALUE -> setString(k, value.getStringValue());
      case INT_VALUE -> setInt(k, value.getIntValue());
      case DOUBLE_VALUE -> setDouble(k, value.getDoubleValue());
      case BOOL_VALUE -> setBool(k, value.getBoolValue());
      case ARRAY_VALUE -> {
        List<AnyValue> elements = value.getArrayValue().getValuesList();
        List<String> strings = new ArrayList<>(elements.size());
        for (int i = 0; i < elements.size(); i++) {
          AnyValue element = elements.get(i);
          if (!element.hasStringValue()) {
            setOtherArray(k);
            return;
          }
          strings.add(element.getStringValue());
        }
        setStrings(k, strings);
      }
      case KVLIST_VALUE, BYTES_VALUE -> setOther(k);
      default -> setAbsent(k);
    }
  }

  void setAbsent(int k) {
    types[k] = ABSENT;
    objects[k] = null;
  }

  void setString(int k, String value) {
    types[k] = STRING;
    objects[k] = value;
  }

  void setInt(int k, long value) {
    types[k] = INT;
    numbers[k] = value;
    objects[k] = null;
  }

  void setDouble(int k, double value) {
    types[k] = DOUBLE;
    numbers[k] = Double.doubleToRawLongBits(value);
    objects[k] = null;
  }

  void setBool(int k, boolean value) {
    types[k] = BOOL;
    numbers[k] = value ? 1 : 0;
    objects[k] = null;
  }

  void setStrings(int k, List<String> values) {
    types[k] = STRING_ARRAY;
    objects[k] = values;
  }

  void setOtherArray(int k) {
    types[k] = OTHER_ARRAY;
    objects[k] = null;
  }

  void setOther(int k) {
    types[k] = OTHER;
    objects[k] = null;
  }

  /** A string (an integer is taken as its decimal digits), or {@code null} when absent. */
  String string(int k) {
    return switch (types[k]) {
      case ABSENT -> null;
      case STRING -> (String) objects[k];
      case INT -> Long.toString(numbers[k]);
      default -> throw wrongType(k, "a string");
    };
  }

  /** An integer, or {@code absent} when there is none. */
  long longValue(int k, long absent) {
    return types[k] == ABSENT ? absent : asLong(k);
  }

  /** An integer, or {@code null}: only where absent differs from every number. */
  Long longOrNull(int k) {
    return types[k] == ABSENT ? null : asLong(k);
  }

  /** An array of strings, empty when absent. */
  List<String> strings(int k) {
    return switch (types[k]) {
      case ABSENT -> List.of();
      case STRING_ARRAY -> {
        @SuppressWarnings("unchecked")
        List<String> strings = (List<String>) objects[k];
        yield strings;
      }
      default -> throw wrongType(k, "an array of strings");
    };
  }

  /** Whether the value is {@code true}; absent or of another type reads as {@code false}. */
  boolean isTrue(int k) {
    return types[k] == BOOL && numbers[k] != 0;
  }

  private long asLong(int k) {
    switch (types[k]) {
      case INT:
        return numbers[k];
      case DOUBLE:
        return (long) Double.longBitsToDouble(numbers[k]);
      case STRING:
        try {
          return Long.parseLong(((String) objects[k]).trim());
        } catch (NumberFormatException e) {
          throw wrongType(k, "an integer");
        }
      default:
        throw wrongType(k, "an integer");
    }
  }

  private IllegalArgumentException wrongType(int k, String expected) {
    return new IllegalArgumentException(keys[k] + " must be " + expected);
  }
}
