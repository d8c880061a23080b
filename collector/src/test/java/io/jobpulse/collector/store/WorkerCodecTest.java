package io.jobpulse.collector.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jobpulse.collector.state.Worker;
import io.jobpulse.collector.state.WorkerIdentity;
import io.jobpulse.collector.state.WorkerState;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A stored worker: read back as written, smaller than its JSON, and the JSON of earlier versions still read. */
class WorkerCodecTest {

  private static final String UUID = "90955db8-bb8c-4938-927a-972624df63bd";

  @TempDir Path dir;

  @Test
  void aWorkerWithEveryFieldSetReadsBackEqual() {
    // The agent's run ids (hex digits) are packed; any other id stays text, in the list's order.
    List<String> runs = List.of("0193a1b2c3d40123456789abcdef", "Not-Hex", "0193a1b2c3d5fedcba9876543210", "abc");
    Worker worker = new Worker(UUID, "billing", 4242L, "host-a", "0.1.0", 1_700_000_000_000L, 1_700_000_090_000L,
        1_700_000_089_000L, 15_000, WorkerState.DEAD, 1_700_000_120_000L, runs, 3);

    assertEquals(worker, WorkerCodec.decode(UUID, WorkerCodec.encode(worker)));
  }

  @Test
  void aWorkerFirstHeardOfReadsBackEqual() {
    Worker worker = Worker.firstSeen(new WorkerIdentity("w", null, null, null, null), 5, 10_000);

    Worker read = WorkerCodec.decode("w", WorkerCodec.encode(worker));

    assertEquals(worker, read);
    assertNull(read.lastHeartbeatAt());
    assertNull(read.stoppedAt());
    assertEquals(WorkerState.ALIVE, read.state());
  }

  @Test
  void aWorkersRecordTakesLessThanHalfItsJson() {
    List<String> runs = new ArrayList<>();
    for (int i = 0; i < 20; i++) {
      runs.add(String.format("0193a1b2c3d4%016x", 0x1234_5678_9abc_def0L + i));
    }
    Worker worker = Worker.firstSeen(new WorkerIdentity(UUID, "ingest-7", 4242L, "host-a", "0.1.0"), 1_700_000_000_000L, 60_000)
        .withHeartbeat(1_700_000_600_000L, 60_000).withJobs(runs);

    int binary = WorkerCodec.encode(worker).length;
    int json = JobStore.encode(worker).length;
    assertTrue(binary * 2 < json, binary + " bytes vs " + json + " of JSON");
  }

  @Test
  void aRecordWrittenAsJsonByAnEarlierVersionIsStillRead() throws Exception {
    Worker worker = new Worker("old", "svc", 1L, "h", "v", 900, 950, 950L, 500, WorkerState.STOPPED, 990L,
        List.of("run-2", "run-1"), 0);
    byte[] json = JobStore.encode(worker);
    assertEquals('{', json[0]);
    try (JobStore store = JobStore.open(dir); StoreBatch batch = store.newBatch()) {
      batch.writeBatch().put(store.workers, Keys.id("old"), json);
      store.write(batch);

      assertEquals(worker, store.worker("old").orElseThrow());
      assertEquals(List.of(worker), store.workers());
    }
  }

  @Test
  void anUnknownStateIsAClearError() {
    byte[] record = {9 << 3, 7}; // field STATE, ordinal 7
    StoreException e = assertThrows(StoreException.class, () -> WorkerCodec.decode("w", record));
    assertTrue(e.getMessage().contains("unknown worker state 7"), e.getMessage());
  }
}
