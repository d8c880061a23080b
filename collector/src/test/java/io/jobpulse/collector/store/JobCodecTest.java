package io.jobpulse.collector.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.google.protobuf.CodedOutputStream;
import io.jobpulse.collector.state.Flag;
import io.jobpulse.collector.state.FlagType;
import io.jobpulse.collector.state.Job;
import io.jobpulse.collector.state.JobError;
import io.jobpulse.collector.state.JobStatus;
import io.jobpulse.collector.state.ProgressSample;
import io.jobpulse.collector.state.WaitingOn;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class JobCodecTest {

  @TempDir Path dir;

  @Test
  void aRunWithEveryFieldSetReadsBackEqual() {
    Job job = Job.builder("run-1", 1_700_000_000_000L).name("billing.Invoices#run").businessId("order-42")
        .parentId("batch-7").attempt(3).service("billing").worker("w-1").traceId("0af7651916cd43dd8448eb211c80319c")
        .spanId("b7ad6b7169203331").status(JobStatus.FAILED)
        .flag(new Flag(FlagType.DUPLICATE, "cleared since", 1_700_000_050_000L, 0)).flag(null)
        .flag(new Flag(FlagType.STALLED, "no progress for 5m — ünïcode too", 1_700_000_100_000L, 12))
        .flaggedThenRecovered(true).startedAt(1_700_000_000_001L).endedAt(1_700_000_200_000L)
        .lastSeenAt(1_700_000_199_000L).durationMs(199_999L).progressDone(1234).progressTotal(5000L)
        .threadName("pool-1-thread-3").threadState("WAITING")
        .error(new JobError("java.sql.SQLTransientException", "deadlock", "TRANSIENT"))
        .addHistory(1_700_000_000_001L, "RUNNING", "announced by worker w-1")
        .addHistory(1_700_000_200_000L, "FAILED", "ended: failed")
        .previousAttemptId("run-0").enqueuedAt(1_699_999_999_000L).queueWaitMs(1001L)
        .stackTop("java.lang.Object.wait(Native Method)").lastProgressAt(1_700_000_150_000L).missedHeartbeats(2)
        .progressSamples(List.of(new ProgressSample(1_700_000_100_000L, 100), new ProgressSample(1_700_000_150_000L, 1234)))
        .ratePerSecond(22.68).waitingOn(new WaitingOn("child-9", JobStatus.CRASHED)).duplicateOf("run-x")
        .phaseSince(1_700_000_000_250L)
        .build();

    Job read = JobCodec.decode(JobCodec.encode(job));
    assertEquals(job, read);
    assertEquals(Set.of(FlagType.DUPLICATE, FlagType.STALLED), read.raisedFlags(), "a cleared flag is remembered");
  }

  @Test
  void aRunWithOnlyWhatANewRunHasReadsBackEqual() {
    Job job = Job.builder("run-2", 5).build();

    Job read = JobCodec.decode(JobCodec.encode(job));

    assertEquals(job, read);
    assertNull(read.startedAt());
    assertEquals(1, read.attempt());
  }

  @Test
  void aRecordWrittenAsJsonByAnEarlierVersionIsStillRead() throws Exception {
    Job job = Job.builder("old", 7).name("n").status(JobStatus.CRASHED)
        .flag(new Flag(FlagType.CRASHED, "lease closed", 9, 1)).addHistory(9, "CRASHED", "lease closed").build();
    byte[] json = JobStore.encode(job);
    assertEquals('{', json[0]);
    try (JobStore store = JobStore.open(dir); StoreBatch batch = store.newBatch()) {
      batch.writeBatch().put(store.jobs, Keys.id("old"), json);
      store.write(batch);

      assertEquals(job, store.job("old").orElseThrow());
    }
  }

  @Test
  void aRunTooBigForTheScratchBufferIsSizedFirstAndReadsBackEqual() {
    Job.Builder builder = Job.builder("long-lived", 1).name("n");
    for (int i = 0; i < 500; i++) {
      builder.addHistory(i, "RUNNING", "STALLED cleared: progress resumed (" + i + " items done, stack moved)");
    }
    Job job = builder.build();

    byte[] bytes = JobCodec.encode(job);

    assertEquals(true, bytes.length > 8192, bytes.length + " bytes");
    assertEquals(job, JobCodec.decode(bytes));
  }

  @Test
  void fieldsOfANewerVersionAreSkipped() throws IOException {
    Job job = Job.builder("run-3", 5).name("n").build();
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    bytes.write(JobCodec.encode(job));
    CodedOutputStream out = CodedOutputStream.newInstance(bytes);
    out.writeString(200, "a field this version does not know");
    out.writeInt64(201, 77);
    out.flush();

    assertEquals(job, JobCodec.decode(bytes.toByteArray()));
  }

  @Test
  void aDamagedRecordIsAStoreErrorNamingTheProblem() {
    byte[] bytes = JobCodec.encode(Job.builder("run-4", 5).name("a name long enough to cut").build());
    StoreException e = assertThrows(StoreException.class, () -> JobCodec.decode(Arrays.copyOf(bytes, 12)) /* inside the name */);
    assertEquals(true, e.getMessage().startsWith("cannot decode a stored run"), e.getMessage());
  }

  @Test
  void enumsAreStoredByOrdinalSoTheirOrderIsPartOfTheFormat() {
    // Append new constants at the end; reordering would make stored runs read as another status.
    assertEquals(List.of("PENDING", "RUNNING", "COMPLETED", "FAILED", "CRASHED", "LOST", "ABANDONED"),
        Arrays.stream(JobStatus.values()).map(Enum::name).toList());
    assertEquals(List.of("CRASHED", "LOST", "ABANDONED", "STUCK", "STALLED", "PENDING_TOO_LONG", "DUPLICATE"),
        Arrays.stream(FlagType.values()).map(Enum::name).toList());
  }

  @Test
  void aBinaryRecordIsMuchSmallerThanItsJson() {
    Job job = Job.builder("4bf92f3577b34da6a3ce929d0e0e4736", 1_700_000_000_000L).name("billing.Invoices#run")
        .service("billing").worker("0b9f3c1e-6f0e-4a57-a3a4-8c1f5f0e2d11").status(JobStatus.COMPLETED)
        .startedAt(1_700_000_000_001L).endedAt(1_700_000_000_020L).durationMs(19L).lastSeenAt(1_700_000_000_021L)
        .addHistory(1_700_000_000_001L, "RUNNING", "announced by worker w").addHistory(1_700_000_000_021L, "COMPLETED", "ended: completed")
        .build();
    int binary = JobCodec.encode(job).length;
    int json = JobStore.encode(job).length;
    assertEquals(true, binary * 2 < json, binary + " bytes vs " + json + " of JSON");
  }
}
