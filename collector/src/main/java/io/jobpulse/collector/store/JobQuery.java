package io.jobpulse.collector.store;

import io.jobpulse.collector.state.Job;
import java.nio.ByteBuffer;
import java.util.Base64;

/**
 * A listing of runs, newest first. {@code status} matches a run's status or its flag type; every
 * filter may be {@code null} (no filter).
 *
 * <p>Paging: {@code before} is the {@link #cursorOf cursor} of the last run of the previous page
 * (the listing resumes right after it, stable while new runs arrive); {@code offset} skips that
 * many matching runs first (simple, but shifts when new runs arrive).
 */
public record JobQuery(String status, String name, String service, int limit, String before, int offset) {

  private static final Base64.Encoder CURSOR_ENCODER = Base64.getUrlEncoder().withoutPadding();

  public JobQuery {
    if (limit <= 0) {
      throw new IllegalArgumentException("limit must be positive: " + limit);
    }
    if (offset < 0) {
      throw new IllegalArgumentException("offset must not be negative: " + offset);
    }
    if (before != null) {
      cursorKey(before); // fails early on a malformed cursor
    }
  }

  public JobQuery(String status, String name, String service, int limit) {
    this(status, name, service, limit, null, 0);
  }

  /** The opaque cursor naming {@code job}'s place in the listing. */
  public static String cursorOf(Job job) {
    return CURSOR_ENCODER.encodeToString(Keys.timeIndex(job.sortTime(), job.id()));
  }

  /** The index key suffix (inverted time, id) a cursor names. */
  static byte[] cursorKey(String cursor) {
    byte[] key;
    try {
      key = Base64.getUrlDecoder().decode(cursor);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("malformed cursor '" + cursor + "': use the 'next' of a previous page");
    }
    if (key.length <= Long.BYTES) {
      throw new IllegalArgumentException("malformed cursor '" + cursor + "': use the 'next' of a previous page");
    }
    return key;
  }

  /** {@code prefix} followed by the cursor's key suffix. */
  static byte[] seekKey(byte[] prefix, String cursor) {
    byte[] suffix = cursorKey(cursor);
    return ByteBuffer.allocate(prefix.length + suffix.length).put(prefix).put(suffix).array();
  }

}
