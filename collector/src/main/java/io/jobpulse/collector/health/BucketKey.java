package io.jobpulse.collector.health;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * Where one hour of one job name's aggregates lives: {@code <hour, 8 bytes big-endian><service>\0<name>}.
 * The hour leads so that "the last 24 hours" is one contiguous range, whatever the number of
 * names, and pruning old hours is one range delete.
 *
 * @param hour hours since the epoch (collector clock)
 * @param service {@code service.name}, empty when unknown
 */
record BucketKey(long hour, String service, String name) {

  static final long HOUR_MS = 3_600_000L;

  // Written out: the record's generated equals showed in the ingest thread's profile (a bucket is
  // looked up for every run that ends).
  @Override
  public boolean equals(Object o) {
    return o instanceof BucketKey other && hour == other.hour && name.equals(other.name)
        && service.equals(other.service);
  }

  @Override
  public int hashCode() {
    return (Long.hashCode(hour) * 31 + service.hashCode()) * 31 + name.hashCode();
  }

  static long hourOf(long epochMillis) {
    return Math.floorDiv(epochMillis, HOUR_MS);
  }

  byte[] encode() {
    byte[] s = service.getBytes(StandardCharsets.UTF_8);
    byte[] n = name.getBytes(StandardCharsets.UTF_8);
    return ByteBuffer.allocate(Long.BYTES + s.length + 1 + n.length).putLong(hour).put(s).put((byte) 0).put(n).array();
  }

  /** The first key of {@code hour}: scans and range deletes start or stop here. */
  static byte[] startOf(long hour) {
    return ByteBuffer.allocate(Long.BYTES).putLong(hour).array();
  }

  static BucketKey decode(byte[] key) {
    ByteBuffer buffer = ByteBuffer.wrap(key);
    long hour = buffer.getLong();
    int separator = Long.BYTES;
    while (separator < key.length && key[separator] != 0) {
      separator++;
    }
    String service = new String(key, Long.BYTES, separator - Long.BYTES, StandardCharsets.UTF_8);
    String name = new String(key, separator + 1, key.length - separator - 1, StandardCharsets.UTF_8);
    return new BucketKey(hour, service, name);
  }
}
