package io.jobpulse.collector.store;

import com.google.protobuf.CodedInputStream;
import com.google.protobuf.CodedOutputStream;
import com.google.protobuf.WireFormat;
import io.jobpulse.collector.state.Worker;
import io.jobpulse.collector.state.WorkerState;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * A stored worker as a protobuf message, written and read with protobuf's wire primitives, like a
 * run ({@link JobCodec}).
 *
 * <p>Why not JSON: a worker is rewritten with nearly every one of its heartbeats, as its runs start
 * and end, and each record is paid again by the log, the memtable, flush and compaction. The JSON
 * of a worker running 20 runs took ~900 bytes, most of them its runs' ids as text and the field
 * names; here it takes ~370. The worker's id, already its key, is left out, its runs' ids made of
 * hex digits (the agent's) are stored as the bytes they spell ({@link PackedIds}), and its times
 * after its first sighting.
 *
 * <p>The field numbers below are the stored format: never reuse or renumber one, and never use
 * field 15 (its start-group tag is the byte '{' that marks the JSON of earlier versions, which is
 * still read). {@link WorkerState} is stored by ordinal: its constants may only be appended.
 */
final class WorkerCodec {

  private static final int SERVICE = 1;
  private static final int PID = 2;
  private static final int HOST = 3;
  private static final int AGENT_VERSION = 4;
  private static final int FIRST_SEEN_AT = 5;
  private static final int LAST_SEEN_AFTER_FIRST_SEEN = 6;
  private static final int LAST_HEARTBEAT_AFTER_FIRST_SEEN = 7;
  private static final int INTERVAL_MS = 8;
  private static final int STATE = 9;
  private static final int STOPPED_AFTER_FIRST_SEEN = 10;
  /** A run id as text; a worker's runs are written in their order, each in this field or the next. */
  private static final int RUN = 11;
  /** A run id of hex digits, as the bytes they spell. */
  private static final int RUN_PACKED = 12;
  private static final int DROPPED_RUNS = 13;

  private static final WorkerState[] STATES = WorkerState.values();

  private WorkerCodec() {}

  static byte[] encode(Worker worker) {
    byte[] idScratch = new byte[PackedIds.MAX_BYTES];
    try {
      byte[] bytes = new byte[size(worker, idScratch)];
      CodedOutputStream out = CodedOutputStream.newInstance(bytes);
      write(worker, out, idScratch);
      out.checkNoSpaceLeft();
      return bytes;
    } catch (IOException e) {
      // Only a size computed wrong gets here: a bug, not bad data.
      throw new StoreException("cannot encode worker " + worker.id(), e);
    }
  }

  /** The worker {@code id} from its record, or {@code null} when the record is an earlier version's JSON. */
  static Worker decode(String id, byte[] bytes) {
    if (bytes.length > 0 && bytes[0] == '{') {
      return null;
    }
    try {
      CodedInputStream in = CodedInputStream.newInstance(bytes);
      String service = null;
      Long pid = null;
      String host = null;
      String agentVersion = null;
      long firstSeenAt = 0;
      long lastSeenAfter = 0;
      Long lastHeartbeatAfter = null;
      long intervalMs = 0;
      WorkerState state = WorkerState.ALIVE;
      Long stoppedAfter = null;
      List<String> runs = new ArrayList<>();
      long droppedRuns = 0;
      for (int tag; (tag = in.readTag()) != 0; ) {
        switch (WireFormat.getTagFieldNumber(tag)) {
          case SERVICE -> service = in.readString();
          case PID -> pid = in.readInt64();
          case HOST -> host = in.readString();
          case AGENT_VERSION -> agentVersion = in.readString();
          case FIRST_SEEN_AT -> firstSeenAt = in.readInt64();
          case LAST_SEEN_AFTER_FIRST_SEEN -> lastSeenAfter = in.readSInt64();
          case LAST_HEARTBEAT_AFTER_FIRST_SEEN -> lastHeartbeatAfter = in.readSInt64();
          case INTERVAL_MS -> intervalMs = in.readInt64();
          case STATE -> state = STATES[checkedOrdinal(in.readUInt32())];
          case STOPPED_AFTER_FIRST_SEEN -> stoppedAfter = in.readSInt64();
          case RUN -> runs.add(in.readString());
          case RUN_PACKED -> runs.add(PackedIds.readHex(in));
          case DROPPED_RUNS -> droppedRuns = in.readInt64();
          default -> in.skipField(tag);
        }
      }
      return new Worker(id, service, pid, host, agentVersion, firstSeenAt, firstSeenAt + lastSeenAfter,
          lastHeartbeatAfter == null ? null : firstSeenAt + lastHeartbeatAfter, intervalMs, state,
          stoppedAfter == null ? null : firstSeenAt + stoppedAfter, runs, droppedRuns);
    } catch (IOException e) {
      throw new StoreException("cannot decode the stored worker " + id + ": " + e.getMessage(), e);
    }
  }

  private static void write(Worker worker, CodedOutputStream out, byte[] idScratch) throws IOException {
    long firstSeen = worker.firstSeenAt();
    if (worker.service() != null) {
      out.writeString(SERVICE, worker.service());
    }
    if (worker.pid() != null) {
      out.writeInt64(PID, worker.pid());
    }
    if (worker.host() != null) {
      out.writeString(HOST, worker.host());
    }
    if (worker.agentVersion() != null) {
      out.writeString(AGENT_VERSION, worker.agentVersion());
    }
    out.writeInt64(FIRST_SEEN_AT, firstSeen);
    out.writeSInt64(LAST_SEEN_AFTER_FIRST_SEEN, worker.lastSeenAt() - firstSeen);
    if (worker.lastHeartbeatAt() != null) {
      out.writeSInt64(LAST_HEARTBEAT_AFTER_FIRST_SEEN, worker.lastHeartbeatAt() - firstSeen);
    }
    out.writeInt64(INTERVAL_MS, worker.intervalMs());
    out.writeUInt32(STATE, worker.state().ordinal());
    if (worker.stoppedAt() != null) {
      out.writeSInt64(STOPPED_AFTER_FIRST_SEEN, worker.stoppedAt() - firstSeen);
    }
    for (String run : worker.jobs()) {
      PackedIds.writeHex(out, RUN, RUN_PACKED, run, idScratch);
    }
    if (worker.droppedRuns() != 0) {
      out.writeInt64(DROPPED_RUNS, worker.droppedRuns());
    }
  }

  private static int size(Worker worker, byte[] idScratch) {
    long firstSeen = worker.firstSeenAt();
    int size = CodedOutputStream.computeInt64Size(FIRST_SEEN_AT, firstSeen)
        + CodedOutputStream.computeSInt64Size(LAST_SEEN_AFTER_FIRST_SEEN, worker.lastSeenAt() - firstSeen)
        + CodedOutputStream.computeInt64Size(INTERVAL_MS, worker.intervalMs())
        + CodedOutputStream.computeUInt32Size(STATE, worker.state().ordinal());
    if (worker.service() != null) {
      size += CodedOutputStream.computeStringSize(SERVICE, worker.service());
    }
    if (worker.pid() != null) {
      size += CodedOutputStream.computeInt64Size(PID, worker.pid());
    }
    if (worker.host() != null) {
      size += CodedOutputStream.computeStringSize(HOST, worker.host());
    }
    if (worker.agentVersion() != null) {
      size += CodedOutputStream.computeStringSize(AGENT_VERSION, worker.agentVersion());
    }
    if (worker.lastHeartbeatAt() != null) {
      size += CodedOutputStream.computeSInt64Size(LAST_HEARTBEAT_AFTER_FIRST_SEEN, worker.lastHeartbeatAt() - firstSeen);
    }
    if (worker.stoppedAt() != null) {
      size += CodedOutputStream.computeSInt64Size(STOPPED_AFTER_FIRST_SEEN, worker.stoppedAt() - firstSeen);
    }
    for (String run : worker.jobs()) {
      size += PackedIds.hexSize(RUN, RUN_PACKED, run, idScratch);
    }
    if (worker.droppedRuns() != 0) {
      size += CodedOutputStream.computeInt64Size(DROPPED_RUNS, worker.droppedRuns());
    }
    return size;
  }

  private static int checkedOrdinal(int ordinal) throws IOException {
    if (ordinal < 0 || ordinal >= STATES.length) {
      throw new IOException("unknown worker state " + ordinal);
    }
    return ordinal;
  }
}
