package io.jobpulse.collector.store;

import io.jobpulse.collector.state.JobStatus;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.stream.Stream;

/**
 * Key layouts. Index keys put the inverted sort time in 8 big-endian bytes before the id, so that
 * RocksDB's byte order lists the newest run first.
 */
final class Keys {

  private static final byte SEPARATOR = 0;
  /** Each status's name, the value of its runs' time index entries: built once, written per run. */
  private static final byte[][] STATUS_NAMES = Stream.of(JobStatus.values())
      .map(status -> status.name().getBytes(StandardCharsets.UTF_8))
      .toArray(byte[][]::new);

  static byte[] id(String id) {
    return id.getBytes(StandardCharsets.UTF_8);
  }

  /**
   * {@code <label>\0<inverted time><id>}: label is a status or flag type name, the id encoded by
   * {@link #id}.
   */
  static byte[] labelIndex(String label, long sortTime, byte[] id) {
    byte[] prefix = prefix(label);
    return ByteBuffer.allocate(prefix.length + Long.BYTES + id.length)
        .put(prefix)
        .putLong(Long.MAX_VALUE - sortTime)
        .put(id)
        .array();
  }

  /**
   * The value of a run's time index entry: its status's name (shared, never to be modified).
   * Entries written before it was are empty.
   */
  static byte[] status(JobStatus status) {
    return STATUS_NAMES[status.ordinal()];
  }

  /** {@code <inverted time><id>}. */
  static byte[] timeIndex(long sortTime, String id) {
    return timeIndex(sortTime, id(id));
  }

  /** {@link #timeIndex(long, String)} of an id already encoded by {@link #id}. */
  static byte[] timeIndex(long sortTime, byte[] id) {
    return ByteBuffer.allocate(Long.BYTES + id.length).putLong(Long.MAX_VALUE - sortTime).put(id).array();
  }

  /** {@code <parent id>\0<child id>}, the child's id encoded by {@link #id}. */
  static byte[] child(String parentId, byte[] childId) {
    byte[] prefix = prefix(parentId);
    return ByteBuffer.allocate(prefix.length + childId.length).put(prefix).put(childId).array();
  }

  /** {@code <text>\0}: the prefix of the label index or the children of one parent. */
  static byte[] prefix(String text) {
    byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
    byte[] prefix = new byte[bytes.length + 1];
    System.arraycopy(bytes, 0, prefix, 0, bytes.length);
    prefix[bytes.length] = SEPARATOR;
    return prefix;
  }

  /** The id at the end of a label or time index key whose prefix is {@code prefixLength} long. */
  static String idAfter(byte[] key, int prefixLength) {
    int start = prefixLength + Long.BYTES;
    return new String(key, start, key.length - start, StandardCharsets.UTF_8);
  }

  static String childId(byte[] key, int prefixLength) {
    return new String(key, prefixLength, key.length - prefixLength, StandardCharsets.UTF_8);
  }

  static boolean startsWith(byte[] key, byte[] prefix) {
    if (key.length < prefix.length) {
      return false;
    }
    for (int i = 0; i < prefix.length; i++) {
      if (key[i] != prefix[i]) {
        return false;
      }
    }
    return true;
  }

  private Keys() {}
}
