package io.jobpulse.collector.state;

import com.google.protobuf.CodedInputStream;
import com.google.protobuf.CodedOutputStream;
import com.google.protobuf.WireFormat;
import io.jobpulse.collector.state.SpanEvent.ActiveRun;
import io.jobpulse.collector.store.JobStore;
import io.jobpulse.collector.store.Keyspace;
import io.jobpulse.collector.store.PackedIds;
import io.jobpulse.collector.store.StoreBatch;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * What each worker's last heartbeat said of the runs whose change was written behind ({@link
 * Keyspace#LAST_HEARTBEATS}, worker id → protobuf wire format): the durable record of an
 * acknowledged heartbeat until its runs are written. One record per heartbeat instead of one per
 * run listed; a collector that restarts after a kill replays it onto the runs not written since.
 */
final class LastHeartbeats {

  /** A worker's last heartbeat: when it was received, and the runs it listed whose change was held back. */
  record Snapshot(long receivedAt, List<ActiveRun> runs) {}

  private static final int RECEIVED_AT = 1;
  private static final int RUN = 2;
  private static final int ID = 1;
  private static final int PROGRESS_DONE = 2;
  private static final int PROGRESS_TOTAL = 3;
  private static final int THREAD_NAME = 4;
  private static final int THREAD_STATE = 5;
  private static final int STACK_MOVED = 6;
  private static final int STACK_TOP = 7;
  // Written since 2026-12-07 in place of ID and THREAD_STATE when they allow: a run id of hex digits
  // (the agent's) as the bytes they spell, a thread state of THREAD_STATES by its index there. A
  // heartbeat of 20 runs took ~1,240 bytes, each paid again by the log and the memtable.
  private static final int ID_PACKED = 8;
  private static final int THREAD_STATE_INDEX = 9;

  /** The thread states the agent sends ({@link Thread.State}'s names): the stored format, append only. */
  private static final List<String> THREAD_STATES =
      List.of("NEW", "RUNNABLE", "BLOCKED", "WAITING", "TIMED_WAITING", "TERMINATED");

  private LastHeartbeats() {}

  static void put(StoreBatch batch, String workerId, Snapshot snapshot) {
    batch.put(Keyspace.LAST_HEARTBEATS, utf8(workerId), encode(snapshot));
  }

  static void delete(StoreBatch batch, String workerId) {
    batch.delete(Keyspace.LAST_HEARTBEATS, utf8(workerId));
  }

  /** The last heartbeat of {@code workerId} with runs held back, or {@code null}. */
  static Snapshot read(JobStore store, String workerId) {
    byte[] value = store.get(Keyspace.LAST_HEARTBEATS, utf8(workerId));
    return value == null ? null : decode(value);
  }

  static byte[] encode(Snapshot snapshot) {
    byte[] idScratch = new byte[PackedIds.MAX_BYTES];
    int[] runSizes = new int[snapshot.runs().size()];
    int size = CodedOutputStream.computeInt64Size(RECEIVED_AT, snapshot.receivedAt());
    for (int i = 0; i < runSizes.length; i++) {
      runSizes[i] = runSize(snapshot.runs().get(i), idScratch);
      size += CodedOutputStream.computeTagSize(RUN) + CodedOutputStream.computeUInt32SizeNoTag(runSizes[i]) + runSizes[i];
    }
    try {
      byte[] bytes = new byte[size];
      CodedOutputStream out = CodedOutputStream.newInstance(bytes);
      out.writeInt64(RECEIVED_AT, snapshot.receivedAt());
      for (int i = 0; i < runSizes.length; i++) {
        out.writeTag(RUN, WireFormat.WIRETYPE_LENGTH_DELIMITED);
        out.writeUInt32NoTag(runSizes[i]);
        writeRun(out, snapshot.runs().get(i), idScratch);
      }
      out.checkNoSpaceLeft();
      return bytes;
    } catch (IOException e) {
      throw new IllegalStateException("cannot encode a heartbeat", e); // a size computed wrong: a bug
    }
  }

  static Snapshot decode(byte[] value) {
    try {
      CodedInputStream in = CodedInputStream.newInstance(value);
      long receivedAt = 0;
      List<ActiveRun> runs = new ArrayList<>();
      for (int tag; (tag = in.readTag()) != 0; ) {
        switch (WireFormat.getTagFieldNumber(tag)) {
          case RECEIVED_AT -> receivedAt = in.readInt64();
          case RUN -> {
            int limit = in.pushLimit(in.readRawVarint32());
            runs.add(readRun(in));
            in.popLimit(limit);
          }
          default -> in.skipField(tag);
        }
      }
      return new Snapshot(receivedAt, runs);
    } catch (IOException e) {
      throw new IllegalStateException("cannot decode a worker's last heartbeat: " + e.getMessage(), e);
    }
  }

  private static int runSize(ActiveRun run, byte[] idScratch) {
    int size = PackedIds.hexSize(ID, ID_PACKED, run.id(), idScratch);
    if (run.progressDone() != 0) {
      size += CodedOutputStream.computeInt64Size(PROGRESS_DONE, run.progressDone());
    }
    if (run.stackMoved()) {
      size += CodedOutputStream.computeBoolSize(STACK_MOVED, true);
    }
    if (run.progressTotal() != null) {
      size += CodedOutputStream.computeInt64Size(PROGRESS_TOTAL, run.progressTotal());
    }
    if (run.threadName() != null) {
      size += CodedOutputStream.computeStringSize(THREAD_NAME, run.threadName());
    }
    int state = run.threadState() == null ? -1 : THREAD_STATES.indexOf(run.threadState());
    if (state >= 0) {
      size += CodedOutputStream.computeUInt32Size(THREAD_STATE_INDEX, state);
    } else if (run.threadState() != null) {
      size += CodedOutputStream.computeStringSize(THREAD_STATE, run.threadState());
    }
    if (run.stackTop() != null) {
      size += CodedOutputStream.computeStringSize(STACK_TOP, run.stackTop());
    }
    return size;
  }

  private static void writeRun(CodedOutputStream out, ActiveRun run, byte[] idScratch) throws IOException {
    PackedIds.writeHex(out, ID, ID_PACKED, run.id(), idScratch);
    if (run.progressDone() != 0) {
      out.writeInt64(PROGRESS_DONE, run.progressDone());
    }
    if (run.progressTotal() != null) {
      out.writeInt64(PROGRESS_TOTAL, run.progressTotal());
    }
    if (run.threadName() != null) {
      out.writeString(THREAD_NAME, run.threadName());
    }
    int state = run.threadState() == null ? -1 : THREAD_STATES.indexOf(run.threadState());
    if (state >= 0) {
      out.writeUInt32(THREAD_STATE_INDEX, state);
    } else if (run.threadState() != null) {
      out.writeString(THREAD_STATE, run.threadState());
    }
    if (run.stackMoved()) {
      out.writeBool(STACK_MOVED, true);
    }
    if (run.stackTop() != null) {
      out.writeString(STACK_TOP, run.stackTop());
    }
  }

  private static ActiveRun readRun(CodedInputStream in) throws IOException {
    String id = null;
    long done = 0;
    Long total = null;
    String threadName = null;
    String threadState = null;
    boolean stackMoved = false;
    String stackTop = null;
    for (int tag; (tag = in.readTag()) != 0; ) {
      switch (WireFormat.getTagFieldNumber(tag)) {
        case ID -> id = in.readString();
        case ID_PACKED -> id = PackedIds.readHex(in);
        case PROGRESS_DONE -> done = in.readInt64();
        case PROGRESS_TOTAL -> total = in.readInt64();
        case THREAD_NAME -> threadName = in.readString();
        case THREAD_STATE -> threadState = in.readString();
        case THREAD_STATE_INDEX -> threadState = threadState(in.readUInt32());
        case STACK_MOVED -> stackMoved = in.readBool();
        case STACK_TOP -> stackTop = in.readString();
        default -> in.skipField(tag);
      }
    }
    return new ActiveRun(id, null, done, total, threadName, threadState, stackMoved, stackTop);
  }

  private static String threadState(int index) throws IOException {
    if (index < 0 || index >= THREAD_STATES.size()) {
      throw new IOException("unknown thread state " + index);
    }
    return THREAD_STATES.get(index);
  }

  private static byte[] utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }
}
