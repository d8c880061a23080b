package io.jobpulse.collector.state;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.jobpulse.collector.metrics.CollectorMetrics;
import io.jobpulse.collector.state.SpanEvent.JobEnded;
import io.jobpulse.collector.state.SpanEvent.JobStarted;
import io.jobpulse.collector.state.SpanEvent.RunAttributes;
import io.jobpulse.collector.store.JobStore;
import io.jobpulse.collector.store.StoreBatch;
import io.jobpulse.collector.testing.MutableClock;
import io.jobpulse.contract.JobOutcome;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BiConsumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Duplicates judged in a group commit: the same requests applied with {@link
 * JobStateMachine#applyAll} and one by one leave the same runs (status, flag, history) and show
 * listeners the same flags, also when a run joins and leaves the live runs of its business id
 * within the group. Real stores, one per way of applying.
 */
class GroupedDuplicatesTest {

  private static final long T0 = 1_700_000_000_000L;
  private static final WorkerIdentity WORKER = new WorkerIdentity("w-1", "billing", 42L, "host-a", "0.1.0");
  private static final String NAME = "com.acme.Invoice#send";

  @TempDir Path dir;

  /** What one way of applying left: runs A and B, the flags listeners saw raised, the DUPLICATE latency count. */
  private record Outcome(Job a, Job b, List<String> flagsRaised, long duplicateLatencies, long duplicateGauge) {}

  @Test
  void aDuplicateThatStartsAndEndsWithinOneGroupIsFlaggedThenCleared() {
    // B starts after A (so B is the newer) in the first request and ends in the second.
    List<ReceivedSpans> requests = List.of(
        new ReceivedSpans(List.of(start("B", T0 + 100)), T0 + 110),
        new ReceivedSpans(List.of(end("B", T0 + 100, T0 + 150)), T0 + 160));
    Outcome grouped = run(dir.resolve("grouped"), JobStateMachine::applyAll, requests);
    Outcome oneByOne = run(dir.resolve("one-by-one"), GroupedDuplicatesTest::oneByOne, requests);

    assertSame(oneByOne, grouped);
    Job b = grouped.b();
    assertEquals(JobStatus.COMPLETED, b.status());
    assertNull(b.flag());
    assertEquals(List.of("DUPLICATE: another run of " + NAME + " for business id order-1 is live: A on worker w-1",
        "DUPLICATE cleared: the run ended"), details(b, "DUPLICATE"));
    assertEquals(List.of("B:DUPLICATE"), grouped.flagsRaised(), "listeners see the flag raised, as alerts must");
    assertEquals(1, grouped.duplicateLatencies(), "metrics count the flag");
    assertEquals(0, grouped.duplicateGauge(), "and count it gone");
    assertNull(grouped.a().flag());
  }

  @Test
  void anOlderRunThatComesAndGoesWithinOneGroupFlagsTheLiveOneThenClearsIt() {
    // B started before A (so A is the newer): A is flagged while B lives, cleared when B ends.
    List<ReceivedSpans> requests = List.of(
        new ReceivedSpans(List.of(start("B", T0 - 5_000)), T0 + 110),
        new ReceivedSpans(List.of(end("B", T0 - 5_000, T0 + 150)), T0 + 160));
    Outcome grouped = run(dir.resolve("grouped"), JobStateMachine::applyAll, requests);
    Outcome oneByOne = run(dir.resolve("one-by-one"), GroupedDuplicatesTest::oneByOne, requests);

    assertSame(oneByOne, grouped);
    assertEquals(JobStatus.RUNNING, grouped.a().status());
    assertNull(grouped.a().flag());
    assertEquals(List.of("DUPLICATE: another run of " + NAME + " for business id order-1 is live: B on worker w-1",
        "DUPLICATE cleared: B is COMPLETED"), details(grouped.a(), "DUPLICATE"));
    assertEquals(List.of("A:DUPLICATE"), grouped.flagsRaised());
    assertEquals(1, grouped.duplicateLatencies());
  }

  @Test
  void runsThatStayLiveAreFlaggedAsOneByOne() {
    List<ReceivedSpans> requests = List.of(
        new ReceivedSpans(List.of(start("B", T0 + 100)), T0 + 110),
        new ReceivedSpans(List.of(start("C", T0 + 200)), T0 + 210));
    Outcome grouped = run(dir.resolve("grouped"), JobStateMachine::applyAll, requests);
    Outcome oneByOne = run(dir.resolve("one-by-one"), GroupedDuplicatesTest::oneByOne, requests);

    assertSame(oneByOne, grouped);
    assertEquals(FlagType.DUPLICATE, grouped.b().flag().type());
    assertEquals("A", grouped.b().duplicateOf());
    assertEquals(JobStatus.RUNNING, grouped.b().status());
    assertNull(grouped.a().flag());
    assertEquals(List.of("B:DUPLICATE", "C:DUPLICATE"), grouped.flagsRaised());
    assertEquals(2, grouped.duplicateLatencies());
    assertEquals(2, grouped.duplicateGauge());
  }

  /**
   * In a fresh store, A (business id order-1) starts alone and is committed; then {@code requests}
   * are applied by {@code apply}.
   */
  private static Outcome run(Path data, BiConsumer<JobStateMachine, List<ReceivedSpans>> apply,
      List<ReceivedSpans> requests) {
    MutableClock clock = new MutableClock(T0);
    try (JobStore store = JobStore.open(data)) {
      JobStateMachine machine = new JobStateMachine(store, clock);
      CollectorMetrics metrics = new CollectorMetrics(store);
      machine.addListener(metrics);
      List<String> raised = new ArrayList<>();
      machine.addListener(new StateListener() {
        @Override
        public void staging(Job before, Job after, StoreBatch batch) {
          if (after.flag() != null && (before == null || before.flag() == null)) {
            raised.add(after.id() + ":" + after.flag().type());
          }
        }
      });
      machine.apply(List.of(start("A", T0)), T0);
      clock.advance(200);
      apply.accept(machine, requests);
      String scraped = new String(metrics.scrape(), StandardCharsets.UTF_8);
      return new Outcome(store.job("A").orElseThrow(), store.job("B").orElseThrow(), raised,
          metric(scraped, "jobpulse_detection_latency_seconds_count\\{flag=\"DUPLICATE\"}"),
          metric(scraped, "jobpulse_jobs_flagged\\{flag=\"DUPLICATE\"}"));
    }
  }

  private static void assertSame(Outcome expected, Outcome actual) {
    for (String id : List.of("A", "B")) {
      Job want = id.equals("A") ? expected.a() : expected.b();
      Job got = id.equals("A") ? actual.a() : actual.b();
      assertEquals(want.status(), got.status(), id + " status");
      assertEquals(want.flag(), got.flag(), id + " flag");
      assertEquals(want.duplicateOf(), got.duplicateOf(), id + " duplicateOf");
      assertEquals(want.history(), got.history(), id + " history");
    }
    assertEquals(expected.flagsRaised(), actual.flagsRaised(), "flags listeners saw raised");
    assertEquals(expected.duplicateLatencies(), actual.duplicateLatencies(), "DUPLICATE detection latencies observed");
    assertEquals(expected.duplicateGauge(), actual.duplicateGauge(), "runs flagged DUPLICATE");
  }

  private static List<String> details(Job job, String containing) {
    return job.history().stream().map(HistoryEntry::detail).filter(d -> d.contains(containing)).toList();
  }

  private static long metric(String scraped, String series) {
    // A labelled series appears once first observed: absent is 0.
    Matcher m = Pattern.compile("(?m)^" + series + " (\\S+)$").matcher(scraped);
    return m.find() ? (long) Double.parseDouble(m.group(1)) : 0;
  }

  private static RunAttributes run(String id) {
    return new RunAttributes(id, NAME, "order-1", null, 1, "worker-1", 0, null);
  }

  private static JobStarted start(String id, long startedAt) {
    return new JobStarted(WORKER, run(id), "trace-" + id, id, startedAt);
  }

  private static JobEnded end(String id, long startedAt, long endedAt) {
    return new JobEnded(WORKER, run(id), "trace-" + id, id, startedAt, endedAt, JobOutcome.COMPLETED, null, null);
  }

  /** Applies each request in its own transaction: the reference a group must match. */
  private static void oneByOne(JobStateMachine machine, List<ReceivedSpans> requests) {
    for (ReceivedSpans request : requests) {
      machine.apply(request.events(), request.receivedAt());
    }
  }
}
