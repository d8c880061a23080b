package io.jobpulse.collector.state;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import io.jobpulse.collector.store.JobStore;
import io.jobpulse.collector.store.Keyspace;
import io.jobpulse.collector.store.StoreBatch;
import java.io.IOException;
import java.nio.charset.StandardCharsets;

/**
 * The state machine's own records in the store: each parent's {@link ChildStats} ({@link
 * Keyspace#CHILD_STATS}, parent id → JSON) and the newest run of each job name and business id
 * ({@link Keyspace#LATEST_RUNS}, name NUL business id → run id). Point reads and writes only.
 */
public final class RunIndexes {

  private static final ObjectMapper JSON = JsonMapper.builder()
      .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false)
      .build();

  private RunIndexes() {}

  /** The children counts of {@code parentId}; {@link ChildStats#NONE} when it has none. */
  public static ChildStats childStats(JobStore store, String parentId) {
    byte[] value = store.get(Keyspace.CHILD_STATS, utf8(parentId));
    if (value == null) {
      return ChildStats.NONE;
    }
    try {
      return JSON.readValue(value, ChildStats.class);
    } catch (IOException e) {
      throw new IllegalStateException("cannot decode the children of run " + parentId + ": " + e.getMessage(), e);
    }
  }

  static void putChildStats(StoreBatch batch, String parentId, ChildStats stats) {
    try {
      batch.put(Keyspace.CHILD_STATS, utf8(parentId), JSON.writeValueAsBytes(stats));
    } catch (IOException e) {
      throw new IllegalStateException("cannot encode the children of run " + parentId, e);
    }
  }

  /** The id of the newest run of {@code name} for {@code businessId}, or {@code null}. */
  static String latestRun(JobStore store, String name, String businessId) {
    byte[] value = store.get(Keyspace.LATEST_RUNS, latestKey(name, businessId));
    return value == null ? null : new String(value, StandardCharsets.UTF_8);
  }

  static void putLatestRun(StoreBatch batch, String name, String businessId, String runId) {
    batch.put(Keyspace.LATEST_RUNS, latestKey(name, businessId), utf8(runId));
  }

  /** Identifies a (name, business id) pair: also the key of the live-run index in memory. */
  static String businessKey(String name, String businessId) {
    return name + '\0' + businessId;
  }

  private static byte[] latestKey(String name, String businessId) {
    return utf8(businessKey(name, businessId));
  }

  private static byte[] utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }
}
