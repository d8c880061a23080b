package io.jobpulse.collector.state;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class LiveRunTest {

  private static final long T0 = 1_700_000_000_000L;

  private final Job started = Job.builder("r", T0).startedAt(T0).name("com.acme.Job#run").worker("w").service("svc")
      .threadName("pool-1").threadState("RUNNABLE").build();

  @Test
  void aHeartbeatShowsOnTopOfTheRunAndOnTopOfTheRecordAReaderFound() {
    LiveRun run = new LiveRun(started);
    assertSame(started, run.current(), "nothing received since: the version itself");

    run.pulse(heartbeat(started, 1));
    Job current = run.current();
    assertEquals(T0 + 1, current.lastSeenAt());
    assertEquals(10, current.progressDone());
    assertEquals(1_000L, current.progressTotal());
    assertEquals("Worker.step(Worker.java:1)", current.stackTop());
    assertEquals(10.0, current.ratePerSecond());
    assertEquals(List.of(new ProgressSample(T0 + 1, 10)), current.progressSamples());

    Job flagged = started.toBuilder().flag(new Flag(FlagType.STUCK, "too long", T0 + 1, 0)).build();
    Job read = run.overlay(flagged);
    assertEquals(FlagType.STUCK, read.flag().type(), "the record's own fields stay the record's");
    assertEquals(10, read.progressDone());
  }

  @Test
  void anotherChangeReplacesTheHeartbeatFields() {
    LiveRun run = new LiveRun(started);
    run.pulse(heartbeat(started, 1));
    Job changed = run.current().toBuilder().status(JobStatus.PENDING).lastSeenAt(null).build();
    run.replace(changed);

    assertSame(changed, run.current());
    Job stored = started;
    assertSame(stored, run.overlay(stored), "a reader keeps the record it found");
    assertNull(run.current().lastSeenAt());
  }

  @Test
  void unchangedStringsKeepTheCopyHeldSoThatAHeartbeatPinsNoNewOne() {
    LiveRun run = new LiveRun(started);
    Job first = heartbeat(started, 1);
    run.pulse(first);
    // Equal values in new objects, as a decoded heartbeat brings them.
    Job second = heartbeat(first, 2).toBuilder().threadName(new String("pool-1")).stackTop(new String(first.stackTop()))
        .progressSamples(new ArrayList<>(first.progressSamples())).build();
    run.pulse(second);

    Job current = run.current();
    assertSame(started.threadName(), current.threadName());
    assertSame(first.stackTop(), current.stackTop());
    assertEquals(first.progressSamples(), current.progressSamples());
    assertEquals(20, current.progressDone());
  }

  @Test
  void progressSamplesAreKeptWhateverTheirNumber() {
    LiveRun run = new LiveRun(started);
    List<ProgressSample> growing = new ArrayList<>();
    for (int i = 0; i < 20; i++) { // one more each heartbeat, as a long run gathers them
      growing.add(new ProgressSample(T0 + i, i));
      run.pulse(started.toBuilder().lastSeenAt(T0 + i).progressSamples(growing).build());
      assertEquals(growing, run.current().progressSamples());
    }
    List<ProgressSample> many = new ArrayList<>();
    for (int i = 0; i < 40; i++) {
      many.add(new ProgressSample(T0 + i, i));
    }
    run.pulse(started.toBuilder().lastSeenAt(T0 + 40).progressSamples(many).build());
    assertEquals(many, run.current().progressSamples());

    List<ProgressSample> fewer = List.of(new ProgressSample(T0 + 41, 50), new ProgressSample(T0 + 42, 60));
    run.pulse(started.toBuilder().lastSeenAt(T0 + 42).progressSamples(fewer).build());
    assertEquals(fewer, run.current().progressSamples());
    assertEquals(fewer, run.overlay(started).progressSamples());
  }

  @Test
  void aReaderOnAnotherThreadSeesOneHeartbeatsFieldsNeverAMix() throws Exception {
    LiveRun run = new LiveRun(started);
    int heartbeats = 200_000;
    CompletableFuture<Void> reader = CompletableFuture.runAsync(() -> {
      for (int i = 0; i < heartbeats; i++) {
        Job read = run.overlay(started);
        if (read.lastSeenAt() == null) {
          continue; // no heartbeat yet
        }
        long n = read.lastSeenAt() - T0;
        assertEquals(n, read.progressDone() / 10);
        assertEquals("Worker.step(Worker.java:" + n + ")", read.stackTop());
      }
    });
    Job last = started;
    for (int i = 1; i <= heartbeats && !reader.isDone(); i++) {
      last = heartbeat(last, i);
      run.pulse(last);
    }
    reader.get(60, TimeUnit.SECONDS);
  }

  /** The fields heartbeat {@code n} moves: seen at T0 + n, 10n items done, the stack at line n. */
  private static Job heartbeat(Job before, long n) {
    return before.toBuilder().lastSeenAt(T0 + n).lastProgressAt(T0 + n).progressDone(10 * n).progressTotal(1_000L)
        .stackTop("Worker.step(Worker.java:" + n + ")").progressSamples(List.of(new ProgressSample(T0 + 1, 10)))
        .ratePerSecond(10.0).build();
  }
}
