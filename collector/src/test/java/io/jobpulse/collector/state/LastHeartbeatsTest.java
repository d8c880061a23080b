package io.jobpulse.collector.state;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.CodedOutputStream;
import com.google.protobuf.WireFormat;
import io.jobpulse.collector.state.SpanEvent.ActiveRun;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** A worker's last heartbeat as stored: read back as written, and as earlier versions wrote it. */
class LastHeartbeatsTest {

  @Test
  void aHeartbeatReadsBackAsWritten() {
    LastHeartbeats.Snapshot snapshot = new LastHeartbeats.Snapshot(1_700_000_000_000L, List.of(
        // The agent's run id (hex digits) and thread states are stored packed ...
        new ActiveRun("0193a1b2c3d40123456789abcdef", null, 1234, 5000L, "pool-1-thread-3", "TIMED_WAITING", true,
            "java.lang.Thread.sleep(Native Method)"),
        new ActiveRun("0193a1b2c3d4fedcba9876543210", null, 0, null, "main", "RUNNABLE", false, null),
        // ... any other as text, and nothing is lost.
        new ActiveRun("run-42", null, 7, null, null, "PARKED_SOMEHOW", false, null),
        new ActiveRun("ABCDEF", null, 0, 0L, "", null, true, "")));

    assertEquals(snapshot, LastHeartbeats.decode(LastHeartbeats.encode(snapshot)));
  }

  @Test
  void aHeartbeatOfTwentyRunsTakesUnder900Bytes() {
    // 1,337 bytes as earlier versions wrote it (ids and thread states as text).
    List<ActiveRun> runs = new ArrayList<>();
    for (int i = 0; i < 20; i++) {
      runs.add(new ActiveRun(String.format("0193a1b2c3d4%016x", 0x1234_5678_9abc_def0L + i), null, 100 + i, 5000L,
          "pool-1-thread-" + i, "RUNNABLE", true));
    }
    int bytes = LastHeartbeats.encode(new LastHeartbeats.Snapshot(1_700_000_000_000L, runs)).length;
    assertTrue(bytes < 900, bytes + " bytes");
  }

  @Test
  void aHeartbeatWrittenByAnEarlierVersionIsStillRead() throws IOException {
    // As written before 2026-12-07: ids and thread states as text, every run's progress and stack flag.
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    CodedOutputStream out = CodedOutputStream.newInstance(bytes);
    out.writeInt64(1, 1_700_000_000_000L);
    ByteArrayOutputStream run = new ByteArrayOutputStream();
    CodedOutputStream runOut = CodedOutputStream.newInstance(run);
    runOut.writeString(1, "0193a1b2c3d40123456789abcdef");
    runOut.writeInt64(2, 0);
    runOut.writeString(4, "worker-thread");
    runOut.writeString(5, "WAITING");
    runOut.writeBool(6, false);
    runOut.flush();
    out.writeTag(2, WireFormat.WIRETYPE_LENGTH_DELIMITED);
    out.writeByteArrayNoTag(run.toByteArray());
    out.flush();

    LastHeartbeats.Snapshot read = LastHeartbeats.decode(bytes.toByteArray());

    assertEquals(new LastHeartbeats.Snapshot(1_700_000_000_000L, List.of(
        new ActiveRun("0193a1b2c3d40123456789abcdef", null, 0, null, "worker-thread", "WAITING", false, null))), read);
  }
}
