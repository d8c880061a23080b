package io.jobpulse.agent.report;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jobpulse.agent.config.AgentConfig.ShortRuns;
import io.jobpulse.agent.instrument.Site;
import io.jobpulse.agent.instrument.SiteTable;
import io.jobpulse.agent.run.RunRecorder;
import io.jobpulse.contract.AttributeKeys;
import io.jobpulse.contract.SpanNames;
import io.jobpulse.contract.ValuePath;
import io.jobpulse.testapp.Batch;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.data.EventData;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The run registry and reporter, from recorded runs to the spans the SDK would export. */
class ReporterTest {

  private static final Duration NEVER = Duration.ofHours(1);
  private static final Duration SOON = Duration.ofMillis(20);

  private final InMemorySpanExporter exporter = InMemorySpanExporter.create();
  private final RunIds ids = new RunIds();
  private final SdkTracerProvider provider = SdkTracerProvider.builder().setIdGenerator(ids).addSpanProcessor(SimpleSpanProcessor.create(exporter)).build();
  private final ExportFlags export = new ExportFlags();
  private final RunRecorder recorder = new RunRecorder(1000);
  private final SiteTable sites = new SiteTable();
  private final Site work = sites.register("com.acme.Worker#work", null, null);
  private final Site step = sites.register("com.acme.Worker#step", null, null);

  @AfterEach
  void close() {
    provider.shutdown();
  }

  private Reporter reporter(Duration announceDelay, Duration heartbeatInterval, ShortRuns shortRuns) {
    return new Reporter(recorder, sites, provider.get("test"), ids, null, announceDelay, heartbeatInterval, shortRuns, export);
  }

  private List<SpanData> spans(String name) {
    return exporter.getFinishedSpanItems().stream().filter(s -> s.getName().equals(name)).collect(Collectors.toList());
  }

  private static String attr(SpanData span, String key) {
    return span.getAttributes().get(AttributeKey.stringKey(key));
  }

  private static Long longAttr(SpanData span, String key) {
    return span.getAttributes().get(AttributeKey.longKey(key));
  }

  @Test
  void shortRunsAreSummedUpOnTheHeartbeat() {
    Reporter reporter = reporter(NEVER, NEVER, ShortRuns.SUMMARY);
    for (int i = 0; i < 3; i++) {
      recorder.exit(recorder.enter(work.id(), null), null);
    }
    reporter.tick();

    assertTrue(spans(SpanNames.JOB).isEmpty());
    SpanData heartbeat = spans(SpanNames.WORKER_HEARTBEAT).get(0);
    EventData summary = heartbeat.getEvents().get(0);
    assertEquals(SpanNames.EVENT_JOB_SUMMARY, summary.getName());
    assertEquals("com.acme.Worker#work", summary.getAttributes().get(AttributeKey.stringKey(AttributeKeys.JOB_NAME)));
    assertEquals(3L, summary.getAttributes().get(AttributeKey.longKey(AttributeKeys.SUMMARY_COUNT)));
    assertNotNull(summary.getAttributes().get(AttributeKey.longKey(AttributeKeys.SUMMARY_MAX_MS)));
    assertEquals(List.of(), heartbeat.getAttributes().get(AttributeKey.stringArrayKey(AttributeKeys.HEARTBEAT_ACTIVE_JOBS)));
    assertEquals(NEVER.toMillis(), longAttr(heartbeat, AttributeKeys.HEARTBEAT_INTERVAL_MS));
  }

  @Test
  void shortRunsMayBeSpansInstead() {
    Reporter reporter = reporter(NEVER, NEVER, ShortRuns.SPAN);
    recorder.exit(recorder.enter(work.id(), null), null);
    reporter.tick();

    SpanData job = spans(SpanNames.JOB).get(0);
    assertEquals("completed", attr(job, AttributeKeys.JOB_OUTCOME));
    assertTrue(spans(SpanNames.JOB_START).isEmpty());
  }

  @Test
  void aRunLongerThanTheAnnounceDelayIsASpanEvenIfItEndedBeforeTheFirstTick() {
    // A reporter that starts late, as in a JVM that exits right after its job: the run is over
    // before the reporter first looks, but it was not short.
    Reporter reporter = reporter(SOON, NEVER, ShortRuns.SUMMARY);
    long startedAt = System.nanoTime();
    Object run = recorder.enter(work.id(), null);
    await().atMost(Duration.ofSeconds(10)).until(() -> System.nanoTime() - startedAt > 2 * SOON.toNanos());
    recorder.exit(run, null);
    reporter.tick();

    SpanData job = spans(SpanNames.JOB).get(0);
    assertEquals("completed", attr(job, AttributeKeys.JOB_OUTCOME));
    assertTrue(spans(SpanNames.WORKER_HEARTBEAT).get(0).getEvents().isEmpty(), "not counted as a short run too");
  }

  @Test
  void aShortFailureIsAlwaysAFullSpan() {
    Reporter reporter = reporter(NEVER, NEVER, ShortRuns.SUMMARY);
    recorder.exit(recorder.enter(work.id(), null), new IllegalStateException("disk full"));
    reporter.tick();

    SpanData job = spans(SpanNames.JOB).get(0);
    assertEquals(StatusCode.ERROR, job.getStatus().getStatusCode());
    assertEquals("disk full", job.getStatus().getDescription());
    assertEquals("failed", attr(job, AttributeKeys.JOB_OUTCOME));
    assertEquals(JobIds.of(job), attr(job, AttributeKeys.JOB_ID));
    assertEquals("com.acme.Worker#work", attr(job, AttributeKeys.JOB_NAME));
    assertEquals(Thread.currentThread().getName(), attr(job, AttributeKeys.THREAD_NAME));
    assertEquals(1L, longAttr(job, AttributeKeys.JOB_ATTEMPT));
    assertFalse(job.getParentSpanContext().isValid());
    EventData exception = job.getEvents().get(0);
    assertEquals(SpanNames.EVENT_EXCEPTION, exception.getName());
    assertEquals("java.lang.IllegalStateException", exception.getAttributes().get(AttributeKey.stringKey(AttributeKeys.EXCEPTION_TYPE)));
    assertEquals("disk full", exception.getAttributes().get(AttributeKey.stringKey(AttributeKeys.EXCEPTION_MESSAGE)));
    assertTrue(exception.getAttributes().get(AttributeKey.stringKey(AttributeKeys.EXCEPTION_STACKTRACE)).contains("ReporterTest"));
  }

  @Test
  void aLongRunIsAnnouncedThenEndedWithItsProgress() {
    Reporter reporter = reporter(SOON, NEVER, ShortRuns.SUMMARY);
    Object run = recorder.enter(work.id(), null);
    recorder.itemDone();

    await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
      reporter.tick();
      assertEquals(1, spans(SpanNames.JOB_START).size());
    });
    SpanData start = spans(SpanNames.JOB_START).get(0);
    assertTrue(spans(SpanNames.JOB).isEmpty(), "the job span stays open while the job runs");
    assertEquals(1L, longAttr(start, AttributeKeys.PROGRESS_DONE));

    recorder.itemDone();
    recorder.exit(run, null);
    reporter.tick();

    SpanData job = spans(SpanNames.JOB).get(0);
    assertEquals(job.getSpanId(), start.getParentSpanId());
    assertEquals(job.getTraceId(), start.getTraceId());
    assertEquals(JobIds.of(job), attr(start, AttributeKeys.JOB_ID));
    assertEquals(attr(job, AttributeKeys.JOB_ID), attr(start, AttributeKeys.JOB_ID));
    assertEquals(job.getStartEpochNanos(), start.getStartEpochNanos());
    assertEquals(2L, longAttr(job, AttributeKeys.PROGRESS_DONE));
    assertEquals("completed", attr(job, AttributeKeys.JOB_OUTCOME));
    assertEquals(StatusCode.UNSET, job.getStatus().getStatusCode());
    assertEquals(1, spans(SpanNames.JOB_START).size(), "announced once");
  }

  @Test
  void aNestedRunIsAChildAndItsParentIsAnnouncedFirst() {
    Reporter reporter = reporter(SOON, NEVER, ShortRuns.SUMMARY);
    Object parent = recorder.enter(work.id(), null);
    Object child = recorder.enter(step.id(), null);
    await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
      reporter.tick();
      assertEquals(2, spans(SpanNames.JOB_START).size());
    });
    List<SpanData> starts = spans(SpanNames.JOB_START);
    assertEquals("com.acme.Worker#work", attr(starts.get(0), AttributeKeys.JOB_NAME));
    assertEquals("com.acme.Worker#step", attr(starts.get(1), AttributeKeys.JOB_NAME));
    recorder.exit(child, null);
    recorder.exit(parent, null);
    reporter.tick();

    SpanData parentSpan = spans(SpanNames.JOB).stream().filter(s -> attr(s, AttributeKeys.JOB_NAME).endsWith("#work")).findFirst().get();
    SpanData childSpan = spans(SpanNames.JOB).stream().filter(s -> attr(s, AttributeKeys.JOB_NAME).endsWith("#step")).findFirst().get();
    assertEquals(parentSpan.getSpanId(), childSpan.getParentSpanId());
    assertEquals(parentSpan.getTraceId(), childSpan.getTraceId());
    assertEquals(JobIds.of(parentSpan), attr(childSpan, AttributeKeys.JOB_PARENT_ID));
    assertEquals(attr(parentSpan, AttributeKeys.JOB_ID), attr(childSpan, AttributeKeys.JOB_PARENT_ID));
    assertNull(attr(parentSpan, AttributeKeys.JOB_PARENT_ID));
  }

  @Test
  void aFailedChildOfAShortParentGivesTheParentASpanToo() {
    Reporter reporter = reporter(NEVER, NEVER, ShortRuns.SUMMARY);
    Object parent = recorder.enter(work.id(), null);
    recorder.exit(recorder.enter(step.id(), null), new RuntimeException("bad row"));
    recorder.exit(parent, null);
    reporter.tick();

    List<SpanData> jobs = spans(SpanNames.JOB);
    assertEquals(2, jobs.size());
    SpanData parentSpan = jobs.stream().filter(s -> attr(s, AttributeKeys.JOB_NAME).endsWith("#work")).findFirst().get();
    SpanData childSpan = jobs.stream().filter(s -> attr(s, AttributeKeys.JOB_NAME).endsWith("#step")).findFirst().get();
    assertEquals("completed", attr(parentSpan, AttributeKeys.JOB_OUTCOME));
    assertEquals("failed", attr(childSpan, AttributeKeys.JOB_OUTCOME));
    assertEquals(parentSpan.getSpanId(), childSpan.getParentSpanId());
  }

  @Test
  void theHeartbeatListsAnnouncedRunsInProgress() throws Exception {
    Reporter reporter = reporter(SOON, Duration.ofMillis(50), ShortRuns.SUMMARY);
    Object run = recorder.enter(work.id(), null);
    recorder.itemDone();
    await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
      reporter.tick();
      assertTrue(spans(SpanNames.WORKER_HEARTBEAT).stream().anyMatch(h -> !h.getEvents().isEmpty()));
    });
    String id = attr(spans(SpanNames.JOB_START).get(0), AttributeKeys.JOB_ID);
    SpanData heartbeat = spans(SpanNames.WORKER_HEARTBEAT).stream().filter(h -> !h.getEvents().isEmpty()).findFirst().get();
    assertEquals(List.of(id), heartbeat.getAttributes().get(AttributeKey.stringArrayKey(AttributeKeys.HEARTBEAT_ACTIVE_JOBS)));
    EventData active = heartbeat.getEvents().get(0);
    assertEquals(SpanNames.EVENT_JOB_ACTIVE, active.getName());
    assertEquals(id, active.getAttributes().get(AttributeKey.stringKey(AttributeKeys.JOB_ID)));
    assertEquals(1L, active.getAttributes().get(AttributeKey.longKey(AttributeKeys.PROGRESS_DONE)));
    assertEquals(Thread.currentThread().getName(), active.getAttributes().get(AttributeKey.stringKey(AttributeKeys.THREAD_NAME)));
    // The test thread waits on Awaitility meanwhile: its state is what the heartbeat must show.
    assertTrue(List.of("WAITING", "TIMED_WAITING").contains(active.getAttributes().get(AttributeKey.stringKey(AttributeKeys.THREAD_STATE))));
    assertEquals(Boolean.TRUE, active.getAttributes().get(AttributeKey.booleanKey(AttributeKeys.STACK_MOVED)));

    recorder.exit(run, null);
    reporter.tick();
    int before = spans(SpanNames.WORKER_HEARTBEAT).size();
    await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
      reporter.tick();
      assertTrue(spans(SpanNames.WORKER_HEARTBEAT).size() > before);
    });
    SpanData idle = spans(SpanNames.WORKER_HEARTBEAT).get(spans(SpanNames.WORKER_HEARTBEAT).size() - 1);
    assertEquals(List.of(), idle.getAttributes().get(AttributeKey.stringArrayKey(AttributeKeys.HEARTBEAT_ACTIVE_JOBS)));
  }

  @Test
  void aStillStackIsReportedAsNotMoving() throws Exception {
    Reporter reporter = reporter(SOON, Duration.ofMillis(50), ShortRuns.SUMMARY);
    CountDownLatch release = new CountDownLatch(1);
    CountDownLatch entered = new CountDownLatch(1);
    Thread job = new Thread(() -> {
      Object run = recorder.enter(work.id(), null);
      entered.countDown();
      try {
        release.await();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      recorder.exit(run, null);
    }, "still-job");
    job.start();
    entered.await();
    try {
      await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
        reporter.tick();
        assertTrue(spans(SpanNames.WORKER_HEARTBEAT).stream()
            .flatMap(h -> h.getEvents().stream())
            .anyMatch(e -> Boolean.FALSE.equals(e.getAttributes().get(AttributeKey.booleanKey(AttributeKeys.STACK_MOVED)))
                && "WAITING".equals(e.getAttributes().get(AttributeKey.stringKey(AttributeKeys.THREAD_STATE)))));
      });
    } finally {
      release.countDown();
      job.join();
    }
  }

  @Test
  void businessIdAndTotalComeFromTheArguments() {
    Site batch = sites.register("com.acme.Worker#batch", ValuePath.parse("arg0.id"), ValuePath.parse("arg0.items"));
    Site broken = sites.register("com.acme.Worker#broken", ValuePath.parse("arg0.nothing"), ValuePath.parse("arg3"));
    Reporter reporter = reporter(NEVER, NEVER, ShortRuns.SPAN);
    recorder.exit(recorder.enter(batch.id(), new Object[] {new Batch("order-7", List.of("a", "b", "c"))}), null);
    recorder.exit(recorder.enter(broken.id(), new Object[] {new Batch("x", List.of())}), null);
    reporter.tick();

    SpanData batchSpan = spans(SpanNames.JOB).stream().filter(s -> attr(s, AttributeKeys.JOB_NAME).endsWith("#batch")).findFirst().get();
    assertEquals("order-7", attr(batchSpan, AttributeKeys.JOB_BUSINESS_ID));
    assertEquals(3L, longAttr(batchSpan, AttributeKeys.PROGRESS_TOTAL));
    SpanData brokenSpan = spans(SpanNames.JOB).stream().filter(s -> attr(s, AttributeKeys.JOB_NAME).endsWith("#broken")).findFirst().get();
    assertNull(attr(brokenSpan, AttributeKeys.JOB_BUSINESS_ID));
    assertNull(longAttr(brokenSpan, AttributeKeys.PROGRESS_TOTAL));
  }

  @Test
  void runsBeyondTheInboxCapacityAreDroppedAndCounted() {
    RunRecorder small = new RunRecorder(2);
    Object first = small.enter(work.id(), null);
    Object second = small.enter(work.id(), null);
    assertNull(small.enter(work.id(), null));
    assertEquals(1, small.dropped());
    small.exit(second, null);
    small.exit(first, null);
    assertEquals(2, small.drain().size());
    assertNotNull(small.enter(work.id(), null), "room again once the reporter drained");
  }

  @Test
  void atExitRunsInProgressAreAbandonedAndTheWorkerSaysGoodbye() throws Exception {
    Reporter reporter = reporter(NEVER, NEVER, ShortRuns.SUMMARY);
    recorder.enter(work.id(), null);
    reporter.tick();
    assertTrue(spans(SpanNames.JOB_START).isEmpty());

    List<String> abandoned = reporter.stop(Duration.ofSeconds(1));

    SpanData job = spans(SpanNames.JOB).get(0);
    assertEquals(List.of(JobIds.of(job)), abandoned);
    assertEquals(1, spans(SpanNames.JOB_START).size(), "announced before it is abandoned");
    assertEquals("abandoned", attr(job, AttributeKeys.JOB_OUTCOME));
    assertEquals(StatusCode.ERROR, job.getStatus().getStatusCode());
    assertEquals("JVM exited while the job ran", job.getStatus().getDescription());
    SpanData stop = spans(SpanNames.WORKER_STOP).get(0);
    assertEquals(abandoned, stop.getAttributes().get(AttributeKey.stringArrayKey(AttributeKeys.WORKER_ABANDONED_JOBS)));
    reporter.tick();
    assertEquals(1, spans(SpanNames.WORKER_STOP).size(), "nothing after goodbye");
  }
}
