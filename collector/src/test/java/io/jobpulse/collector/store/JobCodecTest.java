package io.jobpulse.collector.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.google.protobuf.CodedInputStream;
import com.google.protobuf.CodedOutputStream;
import io.jobpulse.collector.state.Flag;
import io.jobpulse.collector.state.FlagType;
import io.jobpulse.collector.state.HistoryEntry;
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

    Job read = JobCodec.decode(job.id(), JobCodec.encode(job));
    assertEquals(job, read);
    assertEquals(Set.of(FlagType.DUPLICATE, FlagType.STALLED), read.raisedFlags(), "a cleared flag is remembered");
  }

  @Test
  void aRunWithOnlyWhatANewRunHasReadsBackEqual() {
    Job job = Job.builder("run-2", 5).build();

    Job read = JobCodec.decode(job.id(), JobCodec.encode(job));

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
  void historyDetailsAreStoredByTheirPhraseAndTheRunsWorkerAndReadBackWhole() {
    String worker = "90955db8-bb8c-4938-927a-972624df63bd";
    long firstSeen = 1_796_656_104_830L;
    Job.Builder builder = Job.builder("1a2510c857e0123456789abcdef", firstSeen).worker(worker)
        .traceId("0123456789abcdef0123456789abcdef").spanId("0123456789abcdef")
        .addHistory(firstSeen, "RUNNING", "announced by worker " + worker)
        .addHistory(firstSeen + 1, "RUNNING", "listed running by a heartbeat of worker " + worker + " (late)")
        .addHistory(firstSeen - 5, "PENDING", "enqueued on worker another-worker, not started")
        .addHistory(firstSeen + 60_000, "COMPLETED", "ended: completed after the CRASHED flag: a false positive")
        .addHistory(firstSeen, "ended: completed", "ended: failed") // a status outside JobStatus is kept as text
        .addHistory(firstSeen, "FAILED", "")
        .addHistory(firstSeen, "FAILED", null)
        .addHistory(firstSeen, null, worker)
        .addHistory(0, "RUNNING", "ended: abandoned");
    Job job = builder.build();

    Job read = JobCodec.decode(job.id(), JobCodec.encode(job));

    assertEquals(job, read);
    assertEquals("", read.history().get(5).detail());
    assertNull(read.history().get(6).detail());
    Job typical = Job.builder(job.id(), firstSeen).worker(worker).traceId(job.traceId()).spanId(job.spanId())
        .addHistory(firstSeen, "RUNNING", "announced by worker " + worker)
        .addHistory(firstSeen, "COMPLETED", "ended: completed").build();
    // 247 bytes with ids and history as text; 109 with the ids packed and a few bytes an entry.
    assertEquals(true, JobCodec.encode(typical).length < 120, JobCodec.encode(typical).length + " bytes");
  }

  @Test
  void idsThatAreNotPlainHexOrUuidsAreKeptAsText() {
    for (String id : List.of("0123456789ABCDEF", "abc", "0123456789abcdeg", "90955db8bb8c-4938-927a-972624df63bd-",
        "90955DB8-BB8C-4938-927A-972624DF63BD", "", "0".repeat(66))) {
      Job job = Job.builder("run", 5).worker(id).traceId(id).spanId(id).build();
      assertEquals(job, JobCodec.decode(job.id(), JobCodec.encode(job)), id);
    }
    String longest = "0123456789abcdef".repeat(4); // 32 bytes packed, the most
    Job job = Job.builder("run", 5).traceId(longest).spanId(longest.substring(1, 63)).build();
    assertEquals(job, JobCodec.decode(job.id(), JobCodec.encode(job)));
  }

  @Test
  void aHistoryWrittenWholeByAnEarlierVersionIsStillRead() throws IOException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    CodedOutputStream out = CodedOutputStream.newInstance(bytes);
    out.writeString(1, "run-5");
    out.writeString(7, "w-1");
    out.writeString(8, "0af7651916cd43dd8448eb211c80319c");
    out.writeUInt32(10, JobStatus.RUNNING.ordinal());
    out.writeInt64(16, 1_000);
    byte[] history = historyEntry(999, "RUNNING", "announced by worker w-1");
    out.writeByteArray(23, history);
    out.flush();

    Job read = JobCodec.decode("run-5", bytes.toByteArray());

    assertEquals(List.of(new HistoryEntry(999, "RUNNING", "announced by worker w-1")), read.history());
    assertEquals("0af7651916cd43dd8448eb211c80319c", read.traceId());
    assertEquals("w-1", read.worker());
  }

  @Test
  void timesWrittenWholeByAnEarlierVersionAreStillReadWhereverTheFirstSightingComes() throws IOException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    CodedOutputStream out = CodedOutputStream.newInstance(bytes);
    out.writeString(1, "run-6"); // its id, which records leave out since
    out.writeUInt32(10, JobStatus.COMPLETED.ordinal());
    out.writeInt64(13, 1_700_000_000_001L); // started
    out.writeInt64(14, 1_700_000_000_020L); // ended
    out.writeInt64(15, 1_700_000_000_021L); // last seen
    out.writeInt64(16, 1_700_000_000_000L); // first seen, after them
    out.writeInt64(25, 1_699_999_999_000L); // enqueued
    out.writeInt64(28, 1_700_000_000_010L); // last progress
    out.writeInt64(34, 1_700_000_000_002L); // phase since
    out.flush();

    Job read = JobCodec.decode("run-6", bytes.toByteArray());

    assertEquals(Job.builder("run-6", 1_700_000_000_000L).status(JobStatus.COMPLETED).startedAt(1_700_000_000_001L)
        .endedAt(1_700_000_000_020L).lastSeenAt(1_700_000_000_021L).enqueuedAt(1_699_999_999_000L)
        .lastProgressAt(1_700_000_000_010L).phaseSince(1_700_000_000_002L).build(), read);
  }

  @Test
  void aRecordLeavesOutItsRunsIdAndHoldsTimesAfterTheFirstSighting() throws IOException {
    long firstSeen = 1_796_656_104_830L;
    Job job = Job.builder("019ba5c3d4e5b7ad6b7169203331", firstSeen).status(JobStatus.COMPLETED)
        .startedAt(firstSeen - 3).endedAt(firstSeen + 350).lastSeenAt(firstSeen + 351).enqueuedAt(firstSeen - 40_000)
        .lastProgressAt(firstSeen).phaseSince(firstSeen - 3).build();
    byte[] record = JobCodec.encode(job);

    assertEquals(-1, new String(record, java.nio.charset.StandardCharsets.ISO_8859_1).indexOf(job.id()));
    CodedInputStream in = CodedInputStream.newInstance(record);
    for (int tag; (tag = in.readTag()) != 0; in.skipField(tag)) {
      int field = tag >>> 3;
      assertEquals(false, field == 1 || field == 13 || field == 14 || field == 15 || field == 25 || field == 28
          || field == 34, "field " + field + " is written as before");
    }
    // 84 bytes with the id and these times whole (7-8 bytes a time; 3-5 after the first sighting).
    assertEquals(true, record.length <= 40, record.length + " bytes");
    assertEquals(job, JobCodec.decode(job.id(), record));
  }

  private static byte[] historyEntry(long at, String status, String detail) throws IOException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    CodedOutputStream out = CodedOutputStream.newInstance(bytes);
    out.writeInt64(1, at);
    out.writeString(2, status);
    out.writeString(3, detail);
    out.flush();
    return bytes.toByteArray();
  }

  @Test
  void aRunTooBigForTheScratchBufferIsSizedFirstAndReadsBackEqual() {
    Job.Builder builder = Job.builder("long-lived", 1).name("n").worker("w-1").traceId("0af7651916cd43dd8448eb211c80319c");
    for (int i = 0; i < 500; i++) {
      builder.addHistory(i, "RUNNING", "STALLED cleared: progress resumed (" + i + " items done, stack moved)");
      builder.addHistory(i, "RUNNING", i % 2 == 0 ? "listed by a heartbeat of worker w-1" : "ended: failed, " + i);
    }
    Job job = builder.build();

    byte[] bytes = JobCodec.encode(job);

    assertEquals(true, bytes.length > 8192, bytes.length + " bytes");
    assertEquals(job, JobCodec.decode(job.id(), bytes));
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

    assertEquals(job, JobCodec.decode(job.id(), bytes.toByteArray()));
  }

  @Test
  void aDamagedRecordIsAStoreErrorNamingTheProblem() {
    byte[] bytes = JobCodec.encode(Job.builder("run-4", 5).name("a name long enough to cut").build());
    StoreException e = assertThrows(StoreException.class, () -> JobCodec.decode("run-4", Arrays.copyOf(bytes, 12)) /* inside the name */);
    assertEquals(true, e.getMessage().startsWith("cannot decode a stored run"), e.getMessage());
  }

  @Test
  void enumsAreStoredByOrdinalSoTheirOrderIsPartOfTheFormat() {
    // Append new constants at the end; reordering would make stored runs read as another status.
    assertEquals(List.of("PENDING", "RUNNING", "COMPLETED", "FAILED", "CRASHED", "LOST", "ABANDONED"),
        Arrays.stream(JobStatus.values()).map(Enum::name).toList());
    assertEquals(List.of("CRASHED", "LOST", "ABANDONED", "STUCK", "STALLED", "PENDING_TOO_LONG", "DUPLICATE"),
        Arrays.stream(FlagType.values()).map(Enum::name).toList());
    // The same for the phrases history details are stored by.
    assertEquals(List.of("announced by worker ", "started on worker ", "ended: completed", "ended: failed",
            "ended: abandoned", "enqueued on worker ", "listed by a heartbeat of worker ",
            "listed running by a heartbeat of worker ", "listed pending by a heartbeat of worker ",
            "listed again by a heartbeat of worker "),
        java.util.stream.IntStream.rangeClosed(1, 10).mapToObj(DetailPhrases::phrase).toList());
    assertEquals("[phrase 11] ", DetailPhrases.phrase(11), "a phrase of a newer collector reads as its number");
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
