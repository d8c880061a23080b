package io.jobpulse.collector.health;

import com.fasterxml.jackson.annotation.JsonAutoDetect;
import com.fasterxml.jackson.annotation.JsonSetter;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.google.protobuf.CodedInputStream;
import com.google.protobuf.CodedOutputStream;
import com.google.protobuf.WireFormat;
import io.jobpulse.collector.state.FlagType;
import io.jobpulse.collector.state.JobStatus;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;

/**
 * One hour of one job name's outcomes, stored under a {@link BucketKey} (see {@link #encode}). Mutable, and
 * only ever touched by one thread at a time: the ingest thread while it stages an update, or a
 * request thread reading its own decoded copy.
 */
@JsonAutoDetect(fieldVisibility = JsonAutoDetect.Visibility.ANY) // for the JSON of earlier versions
final class HourBucket {

  /** Keeps one hour's record bounded however varied the messages: the rarest signature goes first. */
  static final int MAX_SIGNATURES = 50;

  // HourBucket
  private static final int COUNT = 1;
  private static final int CATEGORY = 2;
  private static final int ERROR = 3;
  private static final int DURATION = 4;
  private static final int COMPLETED = 5;
  private static final int FAILED = 6;
  private static final int FLAGGED = 7;
  // a label's count (COUNT, CATEGORY)
  private static final int LABEL = 1;
  private static final int LABEL_COUNT = 2;
  // SignatureCount
  private static final int ERROR_SIGNATURE = 1;
  private static final int ERROR_TYPE = 2;
  private static final int ERROR_COUNT = 3;
  private static final int ERROR_LAST_SEEN_AT = 4;
  // a duration bucket's count
  private static final int DURATION_INDEX = 1;
  private static final int DURATION_COUNT = 2;

  /** Reads the buckets earlier versions stored as JSON. */
  private static final ObjectMapper JSON = JsonMapper.builder()
      .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false)
      .build();

  /**
   * The labels runs are counted under: the statuses, then the flags not named like one. A run that
   * ends adds to its hour's count on the ingest thread, where a sorted map of boxed counts, merged
   * label by label into the kept bucket, was a tenth of the aggregator's time.
   */
  private static final String[] LABELS;
  private static final Map<String, Integer> LABEL_INDEX = new HashMap<>();
  private static final int[] STATUS_INDEX = new int[JobStatus.values().length];
  private static final int[] FLAG_INDEX = new int[FlagType.values().length];

  static {
    Map<String, Integer> labels = new LinkedHashMap<>();
    for (JobStatus status : JobStatus.values()) {
      STATUS_INDEX[status.ordinal()] = labels.computeIfAbsent(status.name(), name -> labels.size());
    }
    for (FlagType flag : FlagType.values()) {
      FLAG_INDEX[flag.ordinal()] = labels.computeIfAbsent(flag.name(), name -> labels.size());
    }
    LABELS = labels.keySet().toArray(String[]::new);
    LABEL_INDEX.putAll(labels);
  }

  /** Runs by the status they ended with or the flag raised on them, indexed as {@link #LABELS}. */
  private final long[] counts = new long[LABELS.length];
  /** Counts under labels this version does not know (stored by a later one), kept as read; or {@code null}. */
  private Map<String, Long> otherCounts;
  Map<String, Long> categories = new TreeMap<>();
  Map<String, SignatureCount> errors = new HashMap<>();
  /** Completed runs' durations. */
  DurationHistogram durations = new DurationHistogram();
  long completed;
  long failed;
  long flagged;

  /** How often one failure signature was seen in the hour, and when last (collector clock). */
  @JsonAutoDetect(fieldVisibility = JsonAutoDetect.Visibility.ANY)
  static final class SignatureCount {
    String type;
    long count;
    long lastSeenAt;

    void add(long seen, long at) {
      count += seen;
      lastSeenAt = Math.max(lastSeenAt, at);
    }
  }

  /**
   * Adds {@code delta} runs under {@code label}. A bucket that holds one transaction's changes (see
   * {@link #merge}) may count below zero: a flag taken back.
   */
  void count(String label, long delta) {
    Integer index = LABEL_INDEX.get(label);
    if (index != null) {
      counts[index] += delta;
    } else {
      if (otherCounts == null) {
        otherCounts = new TreeMap<>();
      }
      otherCounts.merge(label, delta, Long::sum);
    }
  }

  void count(JobStatus status, long delta) {
    counts[STATUS_INDEX[status.ordinal()]] += delta;
  }

  void count(FlagType flag, long delta) {
    counts[FLAG_INDEX[flag.ordinal()]] += delta;
  }

  /** Hands each label's count to {@code into}, those of zero left out. */
  void forEachCount(LabelCount into) {
    for (int i = 0; i < counts.length; i++) {
      if (counts[i] != 0) {
        into.accept(LABELS[i], counts[i]);
      }
    }
    if (otherCounts != null) {
      otherCounts.forEach(into::accept);
    }
  }

  /** The counts by label, those of zero left out. */
  Map<String, Long> counts() {
    Map<String, Long> all = new TreeMap<>();
    forEachCount(all::put);
    return all;
  }

  /** A label's count, as {@link #forEachCount} hands it. */
  @FunctionalInterface
  interface LabelCount {
    void accept(String label, long count);
  }

  @JsonSetter("counts")
  private void readJsonCounts(Map<String, Long> stored) {
    stored.forEach(this::count);
  }

  void failure(String signature, String type, String category, long at) {
    categories.merge(category, 1L, Long::sum);
    signature(signature, type).add(1, at);
  }

  /**
   * Adds the changes {@code delta} holds (one transaction's, see {@code HealthAggregator}): counts
   * that fall to zero are dropped, and {@link #flagged} never goes below zero.
   */
  void merge(HourBucket delta) {
    for (int i = 0; i < counts.length; i++) {
      counts[i] = Math.max(0, counts[i] + delta.counts[i]);
    }
    if (delta.otherCounts != null) {
      delta.otherCounts.forEach((label, n) -> {
        count(label, n);
        if (otherCounts.get(label) <= 0) {
          otherCounts.remove(label);
        }
      });
    }
    delta.categories.forEach((category, n) -> categories.merge(category, n, Long::sum));
    delta.errors.forEach((signature, seen) -> signature(signature, seen.type).add(seen.count, seen.lastSeenAt));
    durations.addAll(delta.durations);
    completed += delta.completed;
    failed += delta.failed;
    flagged = Math.max(0, flagged + delta.flagged);
  }

  /** The count of {@code signature}, made room for among the {@link #MAX_SIGNATURES} when new. */
  private SignatureCount signature(String signature, String type) {
    SignatureCount entry = errors.get(signature);
    if (entry == null) {
      if (errors.size() >= MAX_SIGNATURES) {
        errors.entrySet().stream()
            .min(Comparator.comparingLong((Map.Entry<String, SignatureCount> e) -> e.getValue().count)
                .thenComparingLong(e -> e.getValue().lastSeenAt))
            .ifPresent(rarest -> errors.remove(rarest.getKey()));
      }
      entry = new SignatureCount();
      entry.type = type;
      errors.put(signature, entry);
    }
    return entry;
  }

  /**
   * The stored record: a protobuf message written with protobuf's wire primitives (the field
   * numbers below are the format: never reuse or renumber one). A bucket is rewritten for nearly
   * every run that ends, on the ingest thread, where Jackson cost twenty times as much. Buckets
   * written as JSON by earlier versions (they start with '{') are still read.
   */
  byte[] encode() {
    try {
      byte[] bytes = new byte[size()];
      CodedOutputStream out = CodedOutputStream.newInstance(bytes);
      for (int i = 0; i < counts.length; i++) {
        if (counts[i] != 0) {
          writeLabelCount(out, COUNT, LABELS[i], counts[i]);
        }
      }
      if (otherCounts != null) {
        for (Map.Entry<String, Long> count : otherCounts.entrySet()) {
          writeLabelCount(out, COUNT, count.getKey(), count.getValue());
        }
      }
      for (Map.Entry<String, Long> category : categories.entrySet()) {
        writeLabelCount(out, CATEGORY, category.getKey(), category.getValue());
      }
      for (Map.Entry<String, SignatureCount> error : errors.entrySet()) {
        SignatureCount entry = error.getValue();
        out.writeTag(ERROR, WireFormat.WIRETYPE_LENGTH_DELIMITED);
        out.writeUInt32NoTag(errorSize(error.getKey(), entry));
        out.writeString(ERROR_SIGNATURE, error.getKey());
        if (entry.type != null) {
          out.writeString(ERROR_TYPE, entry.type);
        }
        out.writeInt64(ERROR_COUNT, entry.count);
        out.writeInt64(ERROR_LAST_SEEN_AT, entry.lastSeenAt);
      }
      for (int index = 0; index < durations.bucketLimit(); index++) {
        long count = durations.count(index);
        if (count != 0) {
          out.writeTag(DURATION, WireFormat.WIRETYPE_LENGTH_DELIMITED);
          out.writeUInt32NoTag(durationSize(index, count));
          out.writeInt32(DURATION_INDEX, index);
          out.writeInt64(DURATION_COUNT, count);
        }
      }
      // Zeros are left out, as protobuf's defaults: most of a journal's deltas count completed runs only.
      writeNonZero(out, COMPLETED, completed);
      writeNonZero(out, FAILED, failed);
      writeNonZero(out, FLAGGED, flagged);
      out.checkNoSpaceLeft();
      return bytes;
    } catch (IOException e) {
      // Only a size computed wrong gets here: a bug, not bad data.
      throw new UncheckedIOException("cannot encode a health bucket", e);
    }
  }

  static HourBucket decode(byte[] bytes) {
    try {
      if (bytes.length > 0 && bytes[0] == '{') {
        return JSON.readValue(bytes, HourBucket.class);
      }
      HourBucket bucket = new HourBucket();
      CodedInputStream in = CodedInputStream.newInstance(bytes);
      for (int tag = in.readTag(); tag != 0; tag = in.readTag()) {
        switch (WireFormat.getTagFieldNumber(tag)) {
          case COUNT -> readLabelCount(in, bucket::count);
          case CATEGORY -> readLabelCount(in, bucket.categories::put);
          case ERROR -> bucket.readError(in);
          case DURATION -> bucket.readDuration(in);
          case COMPLETED -> bucket.completed = in.readInt64();
          case FAILED -> bucket.failed = in.readInt64();
          case FLAGGED -> bucket.flagged = in.readInt64();
          default -> in.skipField(tag);
        }
      }
      return bucket;
    } catch (IOException e) {
      throw new UncheckedIOException("a stored health bucket cannot be read: " + e.getMessage(), e);
    }
  }

  private int size() {
    int size = 0;
    for (int i = 0; i < counts.length; i++) {
      if (counts[i] != 0) {
        size += lengthDelimitedSize(COUNT, labelCountSize(LABELS[i], counts[i]));
      }
    }
    if (otherCounts != null) {
      for (Map.Entry<String, Long> count : otherCounts.entrySet()) {
        size += lengthDelimitedSize(COUNT, labelCountSize(count.getKey(), count.getValue()));
      }
    }
    for (Map.Entry<String, Long> category : categories.entrySet()) {
      size += lengthDelimitedSize(CATEGORY, labelCountSize(category.getKey(), category.getValue()));
    }
    for (Map.Entry<String, SignatureCount> error : errors.entrySet()) {
      size += lengthDelimitedSize(ERROR, errorSize(error.getKey(), error.getValue()));
    }
    for (int index = 0; index < durations.bucketLimit(); index++) {
      long count = durations.count(index);
      if (count != 0) {
        size += lengthDelimitedSize(DURATION, durationSize(index, count));
      }
    }
    return size + nonZeroSize(COMPLETED, completed) + nonZeroSize(FAILED, failed) + nonZeroSize(FLAGGED, flagged);
  }

  private static void writeNonZero(CodedOutputStream out, int field, long value) throws IOException {
    if (value != 0) {
      out.writeInt64(field, value);
    }
  }

  private static int nonZeroSize(int field, long value) {
    return value == 0 ? 0 : CodedOutputStream.computeInt64Size(field, value);
  }

  private static int lengthDelimitedSize(int field, int contentSize) {
    return CodedOutputStream.computeTagSize(field) + CodedOutputStream.computeUInt32SizeNoTag(contentSize) + contentSize;
  }

  private static int labelCountSize(String label, long count) {
    return CodedOutputStream.computeStringSize(LABEL, label) + CodedOutputStream.computeInt64Size(LABEL_COUNT, count);
  }

  private static int errorSize(String signature, SignatureCount entry) {
    return CodedOutputStream.computeStringSize(ERROR_SIGNATURE, signature)
        + (entry.type == null ? 0 : CodedOutputStream.computeStringSize(ERROR_TYPE, entry.type))
        + CodedOutputStream.computeInt64Size(ERROR_COUNT, entry.count)
        + CodedOutputStream.computeInt64Size(ERROR_LAST_SEEN_AT, entry.lastSeenAt);
  }

  private static int durationSize(int index, long count) {
    return CodedOutputStream.computeInt32Size(DURATION_INDEX, index) + CodedOutputStream.computeInt64Size(DURATION_COUNT, count);
  }

  private static void writeLabelCount(CodedOutputStream out, int field, String label, long count) throws IOException {
    out.writeTag(field, WireFormat.WIRETYPE_LENGTH_DELIMITED);
    out.writeUInt32NoTag(labelCountSize(label, count));
    out.writeString(LABEL, label);
    out.writeInt64(LABEL_COUNT, count);
  }

  private static void readLabelCount(CodedInputStream in, LabelCount into) throws IOException {
    int limit = in.pushLimit(in.readRawVarint32());
    String label = "";
    long count = 0;
    for (int tag = in.readTag(); tag != 0; tag = in.readTag()) {
      switch (WireFormat.getTagFieldNumber(tag)) {
        case LABEL -> label = in.readStringRequireUtf8();
        case LABEL_COUNT -> count = in.readInt64();
        default -> in.skipField(tag);
      }
    }
    in.popLimit(limit);
    into.accept(label, count);
  }

  private void readError(CodedInputStream in) throws IOException {
    int limit = in.pushLimit(in.readRawVarint32());
    String signature = "";
    SignatureCount entry = new SignatureCount();
    for (int tag = in.readTag(); tag != 0; tag = in.readTag()) {
      switch (WireFormat.getTagFieldNumber(tag)) {
        case ERROR_SIGNATURE -> signature = in.readStringRequireUtf8();
        case ERROR_TYPE -> entry.type = in.readStringRequireUtf8();
        case ERROR_COUNT -> entry.count = in.readInt64();
        case ERROR_LAST_SEEN_AT -> entry.lastSeenAt = in.readInt64();
        default -> in.skipField(tag);
      }
    }
    in.popLimit(limit);
    errors.put(signature, entry);
  }

  private void readDuration(CodedInputStream in) throws IOException {
    int limit = in.pushLimit(in.readRawVarint32());
    int index = 0;
    long count = 0;
    for (int tag = in.readTag(); tag != 0; tag = in.readTag()) {
      switch (WireFormat.getTagFieldNumber(tag)) {
        case DURATION_INDEX -> index = in.readInt32();
        case DURATION_COUNT -> count = in.readInt64();
        default -> in.skipField(tag);
      }
    }
    in.popLimit(limit);
    durations.addToBucket(index, count);
  }
}
