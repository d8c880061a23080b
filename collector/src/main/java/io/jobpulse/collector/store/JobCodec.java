package io.jobpulse.collector.store;

import com.google.protobuf.CodedInputStream;
import com.google.protobuf.CodedOutputStream;
import com.google.protobuf.WireFormat;
import io.jobpulse.collector.state.Flag;
import io.jobpulse.collector.state.FlagType;
import io.jobpulse.collector.state.HistoryEntry;
import io.jobpulse.collector.state.Job;
import io.jobpulse.collector.state.JobError;
import io.jobpulse.collector.state.JobStatus;
import io.jobpulse.collector.state.ProgressSample;
import io.jobpulse.collector.state.WaitingOn;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;

/**
 * A stored run as a protobuf message, written and read with protobuf's own wire primitives.
 *
 * <p>Why not JSON: every span changes a run, so a run is encoded on the ingest thread for nearly
 * every span received, and rewritten by compaction again and again. Jackson spent a fifth of the
 * ingest thread, and the field names were most of each record's bytes. The protobuf wire format
 * keeps what JSON gave: a record can be read by a collector that knows fewer or more fields
 * (unknown fields are skipped, missing ones keep their defaults) and {@code protoc --decode_raw}
 * shows it.
 *
 * <p>A record is rewritten with each change of its run, then by flush and compaction, so its bytes
 * are paid for many times: ids made of hex digits are stored as the bytes they spell ({@link
 * PackedIds}), and a history entry as its time after the run's first sighting, its status's ordinal
 * and its detail's phrase ({@link DetailPhrases}), other times too as the time after its first
 * sighting, and the run's id, already its key, is left out — a finished run of the load benchmark
 * takes 142 bytes where it took 338 (BENCHMARKS.md §3).
 *
 * <p>The field numbers below are the stored format: never reuse or renumber one. Enums are stored
 * by ordinal, so their constants may only be appended ({@code JobCodecTest} pins their order).
 * Records written as JSON by earlier versions (they start with '{') are still read.
 */
final class JobCodec {

  // Job
  private static final int ID = 1;
  private static final int NAME = 2;
  private static final int BUSINESS_ID = 3;
  private static final int PARENT_ID = 4;
  private static final int ATTEMPT = 5;
  private static final int SERVICE = 6;
  private static final int WORKER = 7;
  private static final int TRACE_ID = 8;
  private static final int SPAN_ID = 9;
  private static final int STATUS = 10;
  private static final int FLAG = 11;
  private static final int FLAGGED_THEN_RECOVERED = 12;
  private static final int STARTED_AT = 13;
  private static final int ENDED_AT = 14;
  private static final int LAST_SEEN_AT = 15;
  private static final int FIRST_SEEN_AT = 16;
  private static final int DURATION_MS = 17;
  private static final int PROGRESS_DONE = 18;
  private static final int PROGRESS_TOTAL = 19;
  private static final int THREAD_NAME = 20;
  private static final int THREAD_STATE = 21;
  private static final int ERROR = 22;
  private static final int HISTORY = 23;
  private static final int PREVIOUS_ATTEMPT_ID = 24;
  private static final int ENQUEUED_AT = 25;
  private static final int QUEUE_WAIT_MS = 26;
  private static final int STACK_TOP = 27;
  private static final int LAST_PROGRESS_AT = 28;
  private static final int MISSED_HEARTBEATS = 29;
  private static final int PROGRESS_SAMPLE = 30;
  private static final int RATE_PER_SECOND = 31;
  private static final int WAITING_ON = 32;
  private static final int DUPLICATE_OF = 33;
  private static final int PHASE_SINCE = 34;
  /** The flag types ever raised on the run, one bit per ordinal. */
  private static final int RAISED_FLAGS = 35;
  // Ids stored as bytes when they are hex digits (PackedIds); otherwise as text, in the fields above.
  private static final int TRACE_ID_PACKED = 36;
  private static final int SPAN_ID_PACKED = 37;
  private static final int WORKER_UUID = 38;
  // Times as milliseconds after the run's first sighting (sint64), written since 2026-12-07 in place
  // of the absolute ones above: a few bytes where those take seven or eight.
  private static final int STARTED_AFTER_FIRST_SEEN = 39;
  private static final int ENDED_AFTER_FIRST_SEEN = 40;
  private static final int LAST_SEEN_AFTER_FIRST_SEEN = 41;
  private static final int ENQUEUED_AFTER_FIRST_SEEN = 42;
  private static final int LAST_PROGRESS_AFTER_FIRST_SEEN = 43;
  private static final int PHASE_SINCE_AFTER_FIRST_SEEN = 44;

  // Flag
  private static final int FLAG_TYPE = 1;
  private static final int FLAG_REASON = 2;
  private static final int FLAG_FLAGGED_AT = 3;
  private static final int FLAG_DETECTION_LATENCY_MS = 4;
  // JobError
  private static final int ERROR_TYPE = 1;
  private static final int ERROR_MESSAGE = 2;
  private static final int ERROR_CATEGORY = 3;
  // HistoryEntry. Written since 2026-12: the time after the run's first sighting (omitted when 0),
  // the status by ordinal, the detail as a DetailPhrases index, whether the run's worker id follows
  // it, and the rest of its text. Earlier records carry the time, status and detail whole.
  private static final int HISTORY_AT = 1;
  private static final int HISTORY_STATUS = 2;
  /** The detail, or what follows its phrase and worker id. */
  private static final int HISTORY_DETAIL = 3;
  private static final int HISTORY_AFTER_FIRST_SEEN = 4;
  private static final int HISTORY_STATUS_CODE = 5;
  private static final int HISTORY_PHRASE = 6;
  private static final int HISTORY_WORKER_FOLLOWS = 7;
  // ProgressSample
  private static final int SAMPLE_AT = 1;
  private static final int SAMPLE_DONE = 2;
  // WaitingOn
  private static final int WAITING_CHILD_ID = 1;
  private static final int WAITING_STATUS = 2;

  private static final JobStatus[] STATUSES = JobStatus.values();
  private static final FlagType[] FLAG_TYPES = FlagType.values();
  /** Per thread because the API's threads decode and tests encode too. */
  private static final ThreadLocal<Scratch> SCRATCH = ThreadLocal.withInitial(Scratch::new);

  private JobCodec() {}

  /**
   * Encodes {@code job}. Most runs fit the calling thread's scratch buffer: written there in one
   * pass and copied, their size is never computed field by field (that pass cost as much as the
   * writing); a run too big for it (a long history) is sized first.
   */
  static byte[] encode(Job job) {
    Scratch scratch = SCRATCH.get();
    try {
      CodedOutputStream out = CodedOutputStream.newInstance(scratch.record);
      write(job, out, scratch.id);
      return Arrays.copyOf(scratch.record, out.getTotalBytesWritten());
    } catch (CodedOutputStream.OutOfSpaceException tooBig) {
      try {
        byte[] bytes = new byte[size(job, scratch.id)];
        CodedOutputStream out = CodedOutputStream.newInstance(bytes);
        write(job, out, scratch.id);
        out.checkNoSpaceLeft();
        return bytes;
      } catch (IOException e) {
        // Only a size computed wrong gets here: a bug, not bad data.
        throw new StoreException("cannot encode run " + job.id(), e);
      }
    } catch (IOException e) {
      throw new StoreException("cannot encode run " + job.id(), e);
    }
  }

  /** Writes {@code job}; {@code idScratch} holds each id while it is packed. */
  private static void write(Job job, CodedOutputStream out, byte[] idScratch) throws IOException {
    long firstSeen = job.firstSeenAt();
    writeString(out, NAME, job.name());
    writeString(out, BUSINESS_ID, job.businessId());
    writeString(out, PARENT_ID, job.parentId());
    if (job.attempt() != 1) {
      out.writeInt64(ATTEMPT, job.attempt()); // a reader takes a missing attempt for the first
    }
    writeString(out, SERVICE, job.service());
    writeWorker(out, job.worker(), idScratch);
    PackedIds.writeHex(out, TRACE_ID, TRACE_ID_PACKED, job.traceId(), idScratch);
    PackedIds.writeHex(out, SPAN_ID, SPAN_ID_PACKED, job.spanId(), idScratch);
    out.writeUInt32(STATUS, job.status().ordinal());
    if (job.flag() != null) {
      out.writeTag(FLAG, WireFormat.WIRETYPE_LENGTH_DELIMITED);
      out.writeUInt32NoTag(size(job.flag()));
      out.writeUInt32(FLAG_TYPE, job.flag().type().ordinal());
      out.writeString(FLAG_REASON, job.flag().reason());
      out.writeInt64(FLAG_FLAGGED_AT, job.flag().flaggedAt());
      out.writeInt64(FLAG_DETECTION_LATENCY_MS, job.flag().detectionLatencyMs());
    }
    if (job.flaggedThenRecovered()) {
      out.writeBool(FLAGGED_THEN_RECOVERED, true);
    }
    writeTime(out, STARTED_AFTER_FIRST_SEEN, job.startedAt(), firstSeen);
    writeTime(out, ENDED_AFTER_FIRST_SEEN, job.endedAt(), firstSeen);
    writeTime(out, LAST_SEEN_AFTER_FIRST_SEEN, job.lastSeenAt(), firstSeen);
    out.writeInt64(FIRST_SEEN_AT, firstSeen);
    writeLong(out, DURATION_MS, job.durationMs());
    if (job.progressDone() != 0) {
      out.writeInt64(PROGRESS_DONE, job.progressDone());
    }
    writeLong(out, PROGRESS_TOTAL, job.progressTotal());
    writeString(out, THREAD_NAME, job.threadName());
    writeString(out, THREAD_STATE, job.threadState());
    if (job.error() != null) {
      out.writeTag(ERROR, WireFormat.WIRETYPE_LENGTH_DELIMITED);
      out.writeUInt32NoTag(size(job.error()));
      writeString(out, ERROR_TYPE, job.error().type());
      writeString(out, ERROR_MESSAGE, job.error().message());
      writeString(out, ERROR_CATEGORY, job.error().category());
    }
    for (HistoryEntry entry : job.history()) {
      int shape = detailShape(entry.detail(), job.worker());
      out.writeTag(HISTORY, WireFormat.WIRETYPE_LENGTH_DELIMITED);
      out.writeUInt32NoTag(size(entry, job.firstSeenAt(), shape));
      writeHistory(out, entry, job.firstSeenAt(), shape);
    }
    writeString(out, PREVIOUS_ATTEMPT_ID, job.previousAttemptId());
    writeTime(out, ENQUEUED_AFTER_FIRST_SEEN, job.enqueuedAt(), firstSeen);
    writeLong(out, QUEUE_WAIT_MS, job.queueWaitMs());
    writeString(out, STACK_TOP, job.stackTop());
    writeTime(out, LAST_PROGRESS_AFTER_FIRST_SEEN, job.lastProgressAt(), firstSeen);
    if (job.missedHeartbeats() != 0) {
      out.writeInt32(MISSED_HEARTBEATS, job.missedHeartbeats());
    }
    for (ProgressSample sample : job.progressSamples()) {
      out.writeTag(PROGRESS_SAMPLE, WireFormat.WIRETYPE_LENGTH_DELIMITED);
      out.writeUInt32NoTag(size(sample));
      out.writeInt64(SAMPLE_AT, sample.at());
      out.writeInt64(SAMPLE_DONE, sample.done());
    }
    if (job.ratePerSecond() != null) {
      out.writeDouble(RATE_PER_SECOND, job.ratePerSecond());
    }
    if (job.waitingOn() != null) {
      out.writeTag(WAITING_ON, WireFormat.WIRETYPE_LENGTH_DELIMITED);
      out.writeUInt32NoTag(size(job.waitingOn()));
      writeString(out, WAITING_CHILD_ID, job.waitingOn().childId());
      writeEnum(out, WAITING_STATUS, job.waitingOn().status());
    }
    writeString(out, DUPLICATE_OF, job.duplicateOf());
    writeTime(out, PHASE_SINCE_AFTER_FIRST_SEEN, job.phaseSince(), firstSeen);
    if (!job.raisedFlags().isEmpty()) {
      out.writeUInt32(RAISED_FLAGS, flagBits(job.raisedFlags()));
    }
  }

  /**
   * Reads the record of run {@code id} (the key it is stored under: records written since
   * 2026-12-07 leave it out), or {@code null} when it is the JSON of an earlier version.
   */
  static Job decode(String id, byte[] bytes) {
    if (bytes.length > 0 && bytes[0] == '{') {
      return null; // JSON of an earlier version: the caller reads it with Jackson
    }
    try {
      CodedInputStream in = CodedInputStream.newInstance(bytes);
      Fields f = new Fields();
      f.id = id;
      for (int tag; (tag = in.readTag()) != 0; ) {
        switch (WireFormat.getTagFieldNumber(tag)) {
          case ID -> f.id = in.readStringRequireUtf8();
          case NAME -> f.name = in.readStringRequireUtf8();
          case BUSINESS_ID -> f.businessId = in.readStringRequireUtf8();
          case PARENT_ID -> f.parentId = in.readStringRequireUtf8();
          case ATTEMPT -> f.attempt = in.readInt64();
          case SERVICE -> f.service = in.readStringRequireUtf8();
          case WORKER -> f.worker = in.readStringRequireUtf8();
          case WORKER_UUID -> f.worker = PackedIds.readUuid(in);
          case TRACE_ID -> f.traceId = in.readStringRequireUtf8();
          case TRACE_ID_PACKED -> f.traceId = PackedIds.readHex(in);
          case SPAN_ID -> f.spanId = in.readStringRequireUtf8();
          case SPAN_ID_PACKED -> f.spanId = PackedIds.readHex(in);
          case STATUS -> f.status = STATUSES[in.readUInt32()];
          case FLAG -> f.flag = readFlag(in);
          case FLAGGED_THEN_RECOVERED -> f.flaggedThenRecovered = in.readBool();
          case STARTED_AT -> f.startedAt = in.readInt64();
          case STARTED_AFTER_FIRST_SEEN -> f.startedAt = f.afterFirstSeen(Fields.STARTED, in.readSInt64());
          case ENDED_AT -> f.endedAt = in.readInt64();
          case ENDED_AFTER_FIRST_SEEN -> f.endedAt = f.afterFirstSeen(Fields.ENDED, in.readSInt64());
          case LAST_SEEN_AT -> f.lastSeenAt = in.readInt64();
          case LAST_SEEN_AFTER_FIRST_SEEN -> f.lastSeenAt = f.afterFirstSeen(Fields.LAST_SEEN, in.readSInt64());
          case FIRST_SEEN_AT -> f.firstSeenAt = in.readInt64();
          case DURATION_MS -> f.durationMs = in.readInt64();
          case PROGRESS_DONE -> f.progressDone = in.readInt64();
          case PROGRESS_TOTAL -> f.progressTotal = in.readInt64();
          case THREAD_NAME -> f.threadName = in.readStringRequireUtf8();
          case THREAD_STATE -> f.threadState = in.readStringRequireUtf8();
          case ERROR -> f.error = readError(in);
          case HISTORY -> f.history.add(readHistory(in));
          case PREVIOUS_ATTEMPT_ID -> f.previousAttemptId = in.readStringRequireUtf8();
          case ENQUEUED_AT -> f.enqueuedAt = in.readInt64();
          case ENQUEUED_AFTER_FIRST_SEEN -> f.enqueuedAt = f.afterFirstSeen(Fields.ENQUEUED, in.readSInt64());
          case QUEUE_WAIT_MS -> f.queueWaitMs = in.readInt64();
          case STACK_TOP -> f.stackTop = in.readStringRequireUtf8();
          case LAST_PROGRESS_AT -> f.lastProgressAt = in.readInt64();
          case LAST_PROGRESS_AFTER_FIRST_SEEN -> f.lastProgressAt = f.afterFirstSeen(Fields.LAST_PROGRESS, in.readSInt64());
          case MISSED_HEARTBEATS -> f.missedHeartbeats = in.readInt32();
          case PROGRESS_SAMPLE -> f.progressSamples.add(readSample(in));
          case RATE_PER_SECOND -> f.ratePerSecond = in.readDouble();
          case WAITING_ON -> f.waitingOn = readWaitingOn(in);
          case DUPLICATE_OF -> f.duplicateOf = in.readStringRequireUtf8();
          case PHASE_SINCE -> f.phaseSince = in.readInt64();
          case PHASE_SINCE_AFTER_FIRST_SEEN -> f.phaseSince = f.afterFirstSeen(Fields.PHASE, in.readSInt64());
          case RAISED_FLAGS -> f.raisedFlags = flagTypes(in.readUInt32());
          default -> in.skipField(tag); // written by a newer collector
        }
      }
      return f.toJob();
    } catch (IOException | RuntimeException e) {
      throw new StoreException("cannot decode a stored run: " + e.getMessage(), e);
    }
  }

  private static Flag readFlag(CodedInputStream in) throws IOException {
    int limit = in.pushLimit(in.readRawVarint32());
    FlagType type = null;
    String reason = null;
    long flaggedAt = 0;
    long latency = 0;
    for (int tag; (tag = in.readTag()) != 0; ) {
      switch (WireFormat.getTagFieldNumber(tag)) {
        case FLAG_TYPE -> type = FLAG_TYPES[in.readUInt32()];
        case FLAG_REASON -> reason = in.readStringRequireUtf8();
        case FLAG_FLAGGED_AT -> flaggedAt = in.readInt64();
        case FLAG_DETECTION_LATENCY_MS -> latency = in.readInt64();
        default -> in.skipField(tag);
      }
    }
    in.popLimit(limit);
    return new Flag(type, reason, flaggedAt, latency);
  }

  private static JobError readError(CodedInputStream in) throws IOException {
    int limit = in.pushLimit(in.readRawVarint32());
    String type = null;
    String message = null;
    String category = null;
    for (int tag; (tag = in.readTag()) != 0; ) {
      switch (WireFormat.getTagFieldNumber(tag)) {
        case ERROR_TYPE -> type = in.readStringRequireUtf8();
        case ERROR_MESSAGE -> message = in.readStringRequireUtf8();
        case ERROR_CATEGORY -> category = in.readStringRequireUtf8();
        default -> in.skipField(tag);
      }
    }
    in.popLimit(limit);
    return new JobError(type, message, category);
  }

  /** A history entry as stored; its time and detail may need the run's first sighting and worker. */
  private static StoredEntry readHistory(CodedInputStream in) throws IOException {
    int limit = in.pushLimit(in.readRawVarint32());
    StoredEntry entry = new StoredEntry();
    for (int tag; (tag = in.readTag()) != 0; ) {
      switch (WireFormat.getTagFieldNumber(tag)) {
        case HISTORY_AT -> {
          entry.at = in.readInt64();
          entry.atIsAbsolute = true;
        }
        case HISTORY_AFTER_FIRST_SEEN -> entry.at = in.readSInt64();
        case HISTORY_STATUS -> entry.status = in.readStringRequireUtf8();
        case HISTORY_STATUS_CODE -> entry.status = STATUSES[in.readUInt32()].name();
        case HISTORY_PHRASE -> entry.phrase = in.readUInt32();
        case HISTORY_WORKER_FOLLOWS -> entry.workerFollows = in.readBool();
        case HISTORY_DETAIL -> entry.rest = in.readStringRequireUtf8();
        default -> in.skipField(tag);
      }
    }
    in.popLimit(limit);
    return entry;
  }

  /**
   * How a history entry's detail is stored, in one int so that sizing and writing the entry share
   * one look at its text: the {@link DetailPhrases} index it opens with (low byte), whether the
   * run's worker id follows the phrase (bit 8), and where the rest of the text starts (above).
   */
  private static int detailShape(String detail, String worker) {
    if (detail == null) {
      return 0;
    }
    int phrase = DetailPhrases.longestOpening(detail);
    int restStart = DetailPhrases.length(phrase);
    boolean workerFollows = worker != null && !worker.isEmpty() && detail.startsWith(worker, restStart);
    if (workerFollows) {
      restStart += worker.length();
    }
    return restStart << 9 | (workerFollows ? 1 << 8 : 0) | phrase;
  }

  private static int phrase(int shape) {
    return shape & 0xff;
  }

  private static boolean workerFollows(int shape) {
    return (shape & 1 << 8) != 0;
  }

  /** The detail's text after its phrase and worker id; {@code null} when nothing needs writing. */
  private static String rest(String detail, int shape) {
    if (detail == null) {
      return null;
    }
    int restStart = shape >>> 9;
    if (restStart < detail.length()) {
      return detail.substring(restStart);
    }
    // Nothing follows: written only so that an empty detail still reads as "", not as none.
    return phrase(shape) == 0 && !workerFollows(shape) ? "" : null;
  }

  private static void writeHistory(CodedOutputStream out, HistoryEntry entry, long firstSeenAt, int shape)
      throws IOException {
    if (entry.at() != firstSeenAt) {
      out.writeSInt64(HISTORY_AFTER_FIRST_SEEN, entry.at() - firstSeenAt);
    }
    int statusCode = statusCode(entry.status());
    if (statusCode >= 0) {
      out.writeUInt32(HISTORY_STATUS_CODE, statusCode);
    } else {
      writeString(out, HISTORY_STATUS, entry.status());
    }
    if (phrase(shape) != 0) {
      out.writeUInt32(HISTORY_PHRASE, phrase(shape));
    }
    if (workerFollows(shape)) {
      out.writeBool(HISTORY_WORKER_FOLLOWS, true);
    }
    writeString(out, HISTORY_DETAIL, rest(entry.detail(), shape));
  }

  /** The ordinal of the {@link JobStatus} named {@code status}, -1 for another text. */
  private static int statusCode(String status) {
    for (JobStatus candidate : STATUSES) {
      if (candidate.name().equals(status)) {
        return candidate.ordinal();
      }
    }
    return -1;
  }

  private static ProgressSample readSample(CodedInputStream in) throws IOException {
    int limit = in.pushLimit(in.readRawVarint32());
    long at = 0;
    long done = 0;
    for (int tag; (tag = in.readTag()) != 0; ) {
      switch (WireFormat.getTagFieldNumber(tag)) {
        case SAMPLE_AT -> at = in.readInt64();
        case SAMPLE_DONE -> done = in.readInt64();
        default -> in.skipField(tag);
      }
    }
    in.popLimit(limit);
    return new ProgressSample(at, done);
  }

  private static WaitingOn readWaitingOn(CodedInputStream in) throws IOException {
    int limit = in.pushLimit(in.readRawVarint32());
    String childId = null;
    JobStatus status = null;
    for (int tag; (tag = in.readTag()) != 0; ) {
      switch (WireFormat.getTagFieldNumber(tag)) {
        case WAITING_CHILD_ID -> childId = in.readStringRequireUtf8();
        case WAITING_STATUS -> status = STATUSES[in.readUInt32()];
        default -> in.skipField(tag);
      }
    }
    in.popLimit(limit);
    return new WaitingOn(childId, status);
  }

  private static int size(Job job, byte[] idScratch) {
    long firstSeen = job.firstSeenAt();
    int size = stringSize(NAME, job.name()) + stringSize(BUSINESS_ID, job.businessId())
        + stringSize(PARENT_ID, job.parentId()) + (job.attempt() != 1 ? CodedOutputStream.computeInt64Size(ATTEMPT, job.attempt()) : 0)
        + stringSize(SERVICE, job.service()) + workerSize(job.worker(), idScratch)
        + PackedIds.hexSize(TRACE_ID, TRACE_ID_PACKED, job.traceId(), idScratch)
        + PackedIds.hexSize(SPAN_ID, SPAN_ID_PACKED, job.spanId(), idScratch)
        + CodedOutputStream.computeUInt32Size(STATUS, job.status().ordinal())
        + (job.flaggedThenRecovered() ? CodedOutputStream.computeBoolSize(FLAGGED_THEN_RECOVERED, true) : 0)
        + timeSize(STARTED_AFTER_FIRST_SEEN, job.startedAt(), firstSeen)
        + timeSize(ENDED_AFTER_FIRST_SEEN, job.endedAt(), firstSeen)
        + timeSize(LAST_SEEN_AFTER_FIRST_SEEN, job.lastSeenAt(), firstSeen)
        + CodedOutputStream.computeInt64Size(FIRST_SEEN_AT, firstSeen)
        + longSize(DURATION_MS, job.durationMs()) + (job.progressDone() != 0 ? CodedOutputStream.computeInt64Size(PROGRESS_DONE, job.progressDone()) : 0)
        + longSize(PROGRESS_TOTAL, job.progressTotal()) + stringSize(THREAD_NAME, job.threadName())
        + stringSize(THREAD_STATE, job.threadState()) + stringSize(PREVIOUS_ATTEMPT_ID, job.previousAttemptId())
        + timeSize(ENQUEUED_AFTER_FIRST_SEEN, job.enqueuedAt(), firstSeen) + longSize(QUEUE_WAIT_MS, job.queueWaitMs())
        + stringSize(STACK_TOP, job.stackTop()) + timeSize(LAST_PROGRESS_AFTER_FIRST_SEEN, job.lastProgressAt(), firstSeen)
        + (job.missedHeartbeats() != 0 ? CodedOutputStream.computeInt32Size(MISSED_HEARTBEATS, job.missedHeartbeats()) : 0)
        + (job.ratePerSecond() != null ? CodedOutputStream.computeDoubleSize(RATE_PER_SECOND, job.ratePerSecond()) : 0)
        + stringSize(DUPLICATE_OF, job.duplicateOf()) + timeSize(PHASE_SINCE_AFTER_FIRST_SEEN, job.phaseSince(), firstSeen)
        + (job.raisedFlags().isEmpty() ? 0 : CodedOutputStream.computeUInt32Size(RAISED_FLAGS, flagBits(job.raisedFlags())));
    if (job.flag() != null) {
      size += messageSize(FLAG, size(job.flag()));
    }
    if (job.error() != null) {
      size += messageSize(ERROR, size(job.error()));
    }
    for (HistoryEntry entry : job.history()) {
      size += messageSize(HISTORY, size(entry, job.firstSeenAt(), detailShape(entry.detail(), job.worker())));
    }
    for (ProgressSample sample : job.progressSamples()) {
      size += messageSize(PROGRESS_SAMPLE, size(sample));
    }
    if (job.waitingOn() != null) {
      size += messageSize(WAITING_ON, size(job.waitingOn()));
    }
    return size;
  }

  private static int size(Flag flag) {
    return CodedOutputStream.computeUInt32Size(FLAG_TYPE, flag.type().ordinal())
        + CodedOutputStream.computeStringSize(FLAG_REASON, flag.reason())
        + CodedOutputStream.computeInt64Size(FLAG_FLAGGED_AT, flag.flaggedAt())
        + CodedOutputStream.computeInt64Size(FLAG_DETECTION_LATENCY_MS, flag.detectionLatencyMs());
  }

  private static int size(JobError error) {
    return stringSize(ERROR_TYPE, error.type()) + stringSize(ERROR_MESSAGE, error.message())
        + stringSize(ERROR_CATEGORY, error.category());
  }

  private static int size(HistoryEntry entry, long firstSeenAt, int shape) {
    int statusCode = statusCode(entry.status());
    return (entry.at() != firstSeenAt ? CodedOutputStream.computeSInt64Size(HISTORY_AFTER_FIRST_SEEN, entry.at() - firstSeenAt) : 0)
        + (statusCode >= 0 ? CodedOutputStream.computeUInt32Size(HISTORY_STATUS_CODE, statusCode)
            : stringSize(HISTORY_STATUS, entry.status()))
        + (phrase(shape) != 0 ? CodedOutputStream.computeUInt32Size(HISTORY_PHRASE, phrase(shape)) : 0)
        + (workerFollows(shape) ? CodedOutputStream.computeBoolSize(HISTORY_WORKER_FOLLOWS, true) : 0)
        + stringSize(HISTORY_DETAIL, rest(entry.detail(), shape));
  }

  private static int size(ProgressSample sample) {
    return CodedOutputStream.computeInt64Size(SAMPLE_AT, sample.at())
        + CodedOutputStream.computeInt64Size(SAMPLE_DONE, sample.done());
  }

  private static int size(WaitingOn waitingOn) {
    return stringSize(WAITING_CHILD_ID, waitingOn.childId())
        + (waitingOn.status() == null ? 0 : CodedOutputStream.computeUInt32Size(WAITING_STATUS, waitingOn.status().ordinal()));
  }

  private static int messageSize(int field, int size) {
    return CodedOutputStream.computeTagSize(field) + CodedOutputStream.computeUInt32SizeNoTag(size) + size;
  }

  private static int stringSize(int field, String value) {
    return value == null ? 0 : CodedOutputStream.computeStringSize(field, value);
  }

  private static int flagBits(Set<FlagType> types) {
    int bits = 0;
    for (FlagType type : types) {
      bits |= 1 << type.ordinal();
    }
    return bits;
  }

  private static Set<FlagType> flagTypes(int bits) {
    EnumSet<FlagType> types = EnumSet.noneOf(FlagType.class);
    for (FlagType type : FLAG_TYPES) {
      if ((bits & 1 << type.ordinal()) != 0) {
        types.add(type);
      }
    }
    return types; // bits of flag types added by a newer collector are ignored
  }

  private static int longSize(int field, Long value) {
    return value == null ? 0 : CodedOutputStream.computeInt64Size(field, value);
  }

  private static int timeSize(int field, Long time, long firstSeenAt) {
    return time == null ? 0 : CodedOutputStream.computeSInt64Size(field, time - firstSeenAt);
  }

  private static void writeWorker(CodedOutputStream out, String worker, byte[] idScratch) throws IOException {
    int packed = worker == null ? -1 : PackedIds.packUuid(worker, idScratch);
    if (packed >= 0) {
      out.writeByteArray(WORKER_UUID, idScratch, 0, packed);
    } else {
      writeString(out, WORKER, worker);
    }
  }

  private static int workerSize(String worker, byte[] idScratch) {
    int packed = worker == null ? -1 : PackedIds.packUuid(worker, idScratch);
    return packed >= 0 ? messageSize(WORKER_UUID, packed) : stringSize(WORKER, worker);
  }

  private static void writeString(CodedOutputStream out, int field, String value) throws IOException {
    if (value != null) {
      out.writeString(field, value);
    }
  }

  private static void writeLong(CodedOutputStream out, int field, Long value) throws IOException {
    if (value != null) {
      out.writeInt64(field, value);
    }
  }

  private static void writeTime(CodedOutputStream out, int field, Long time, long firstSeenAt) throws IOException {
    if (time != null) {
      out.writeSInt64(field, time - firstSeenAt);
    }
  }

  private static void writeEnum(CodedOutputStream out, int field, Enum<?> value) throws IOException {
    if (value != null) {
      out.writeUInt32(field, value.ordinal());
    }
  }

  /** A thread's buffers for encoding: the record (big enough for nearly every run) and one id. */
  private static final class Scratch {
    final byte[] record = new byte[8192];
    final byte[] id = new byte[PackedIds.MAX_BYTES];
  }

  /** A run's fields while its record is read; absent ones keep the defaults a new run has. */
  private static final class Fields {
    String id;
    String name;
    String businessId;
    String parentId;
    long attempt = 1;
    String service;
    String worker;
    String traceId;
    String spanId;
    JobStatus status;
    Flag flag;
    boolean flaggedThenRecovered;
    Long startedAt;
    Long endedAt;
    Long lastSeenAt;
    long firstSeenAt;
    Long durationMs;
    long progressDone;
    Long progressTotal;
    String threadName;
    String threadState;
    JobError error;
    final List<StoredEntry> history = new ArrayList<>(4);
    String previousAttemptId;
    Long enqueuedAt;
    Long queueWaitMs;
    String stackTop;
    Long lastProgressAt;
    int missedHeartbeats;
    final List<ProgressSample> progressSamples = new ArrayList<>(2);
    Double ratePerSecond;
    WaitingOn waitingOn;
    String duplicateOf;
    Long phaseSince;
    Set<FlagType> raisedFlags;
    /** Which of the times above were read as after the first sighting (a bit each), still to resolve. */
    int afterFirstSeen;
    static final int STARTED = 1;
    static final int ENDED = 1 << 1;
    static final int LAST_SEEN = 1 << 2;
    static final int ENQUEUED = 1 << 3;
    static final int LAST_PROGRESS = 1 << 4;
    static final int PHASE = 1 << 5;

    /** Holds a time read as after the first sighting, which may come later in the record. */
    Long afterFirstSeen(int time, long millis) {
      afterFirstSeen |= time;
      return millis;
    }

    Job toJob() {
      List<HistoryEntry> entries = new ArrayList<>(history.size());
      for (StoredEntry entry : history) {
        entries.add(entry.resolve(firstSeenAt, worker));
      }
      if (afterFirstSeen != 0) {
        startedAt = resolve(startedAt, STARTED);
        endedAt = resolve(endedAt, ENDED);
        lastSeenAt = resolve(lastSeenAt, LAST_SEEN);
        enqueuedAt = resolve(enqueuedAt, ENQUEUED);
        lastProgressAt = resolve(lastProgressAt, LAST_PROGRESS);
        phaseSince = resolve(phaseSince, PHASE);
      }
      return new Job(id, name, businessId, parentId, attempt, service, worker, traceId, spanId, status, flag,
          flaggedThenRecovered, startedAt, endedAt, lastSeenAt, firstSeenAt, durationMs, progressDone,
          progressTotal, threadName, threadState, error, entries, previousAttemptId, enqueuedAt, queueWaitMs,
          stackTop, lastProgressAt, missedHeartbeats, progressSamples, ratePerSecond, waitingOn, duplicateOf,
          phaseSince, raisedFlags);
    }

    private Long resolve(Long time, int bit) {
      return (afterFirstSeen & bit) != 0 ? Long.valueOf(firstSeenAt + time) : time; // boxed: time may be null
    }
  }

  /** A history entry's fields while its record is read. */
  private static final class StoredEntry {
    long at;
    boolean atIsAbsolute;
    String status;
    int phrase;
    boolean workerFollows;
    String rest;

    HistoryEntry resolve(long firstSeenAt, String worker) {
      String detail = rest;
      if (phrase != 0 || workerFollows) {
        detail = DetailPhrases.phrase(phrase) + (workerFollows ? worker : "") + (rest == null ? "" : rest);
      }
      return new HistoryEntry(atIsAbsolute ? at : firstSeenAt + at, status, detail);
    }
  }
}
