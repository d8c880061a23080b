package io.jobpulse.agent.report;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jobpulse.agent.config.AgentConfig.ShortRuns;
import io.jobpulse.agent.instrument.Site;
import io.jobpulse.agent.instrument.SiteTable;
import io.jobpulse.agent.run.RunRecorder;
import io.jobpulse.contract.AttributeKeys;
import io.jobpulse.contract.SpanNames;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.data.EventData;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.FutureTask;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Tasks queued by jobs (preset:executor), from the recorder's task calls to the spans: pending,
 * started with the queue wait, dropped; the heartbeat's new fields; announcing again after export
 * recovers.
 */
class TaskReportingTest {

  private static final Duration NEVER = Duration.ofHours(1);
  private static final Duration SOON = Duration.ofMillis(20);
  private static final Duration WAIT = Duration.ofSeconds(10);

  private final InMemorySpanExporter exporter = InMemorySpanExporter.create();
  private final RunIds ids = new RunIds();
  private final SdkTracerProvider provider = SdkTracerProvider.builder().setIdGenerator(ids).addSpanProcessor(SimpleSpanProcessor.create(exporter)).build();
  private final ExportFlags export = new ExportFlags();
  private final RunRecorder recorder = new RunRecorder(1000, 2, null);
  private final SiteTable sites = new SiteTable();
  private final Site work = sites.register("com.acme.Worker#work", null, null);

  /** A task with a stable name of its own. */
  static final class Export implements Callable<String> {
    @Override
    public String call() {
      return "done";
    }
  }

  @AfterEach
  void close() {
    provider.shutdown();
  }

  private Reporter reporter(Duration announceDelay, Duration heartbeatInterval) {
    return new Reporter(recorder, sites, provider.get("test"), ids, null, announceDelay, heartbeatInterval, ShortRuns.SUMMARY, export);
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

  private static List<String> listAttr(SpanData span, String key) {
    return span.getAttributes().get(AttributeKey.stringArrayKey(key));
  }

  /** Runs {@code task} as a worker thread would, through the recorder's task calls. */
  private Thread worker(Object task, Runnable body) {
    Thread thread = new Thread(() -> {
      Object run = recorder.taskStart(task);
      Throwable thrown = null;
      try {
        body.run();
      } catch (Throwable t) {
        thrown = t;
      } finally {
        if (run != null) {
          recorder.taskEnd(run, task, thrown);
        }
      }
    }, "worker-1");
    thread.start();
    return thread;
  }

  @Test
  void aQueuedTaskIsAPendingChildUntilAWorkerTakesIt() throws Exception {
    Reporter reporter = reporter(SOON, Duration.ofMillis(30));
    Object job = recorder.enter(work.id(), null);
    FutureTask<String> task = new FutureTask<>(new Export());
    recorder.taskSubmitting(new Export());
    recorder.taskQueued(task);
    recorder.taskSubmitting(null);

    await().atMost(WAIT).untilAsserted(() -> {
      reporter.tick();
      assertEquals(1, spans(SpanNames.JOB_PENDING).size());
      assertTrue(spans(SpanNames.WORKER_HEARTBEAT).stream().anyMatch(h -> !listAttr(h, AttributeKeys.HEARTBEAT_PENDING_JOBS).isEmpty()));
    });
    SpanData parentStart = spans(SpanNames.JOB_START).get(0);
    SpanData pending = spans(SpanNames.JOB_PENDING).get(0);
    String taskId = attr(pending, AttributeKeys.JOB_ID);
    assertEquals(Export.class.getName() + "#call", attr(pending, AttributeKeys.JOB_NAME));
    assertEquals(attr(parentStart, AttributeKeys.JOB_ID), attr(pending, AttributeKeys.JOB_PARENT_ID));
    assertEquals(parentStart.getTraceId(), pending.getTraceId());
    assertEquals(JobIds.spanIdOf(taskId), pending.getParentSpanId());
    assertNull(attr(pending, AttributeKeys.THREAD_NAME));
    SpanData waiting = spans(SpanNames.WORKER_HEARTBEAT).stream().filter(h -> !listAttr(h, AttributeKeys.HEARTBEAT_PENDING_JOBS).isEmpty()).findFirst().get();
    assertEquals(List.of(taskId), listAttr(waiting, AttributeKeys.HEARTBEAT_PENDING_JOBS));
    assertFalse(listAttr(waiting, AttributeKeys.HEARTBEAT_ACTIVE_JOBS).contains(taskId));

    CountDownLatch release = new CountDownLatch(1);
    Thread thread = worker(task, () -> {
      task.run();
      awaitQuietly(release);
    });
    await().atMost(WAIT).untilAsserted(() -> {
      reporter.tick();
      assertEquals(2, spans(SpanNames.JOB_START).size());
    });
    SpanData start = spans(SpanNames.JOB_START).get(1);
    assertEquals(taskId, attr(start, AttributeKeys.JOB_ID));
    assertEquals("worker-1", attr(start, AttributeKeys.THREAD_NAME));
    assertTrue(longAttr(start, AttributeKeys.JOB_QUEUE_WAIT_MS) >= 0);
    assertTrue(start.getStartEpochNanos() >= pending.getStartEpochNanos());

    release.countDown();
    thread.join();
    recorder.exit(job, null);
    reporter.tick();
    SpanData taskSpan = spans(SpanNames.JOB).stream().filter(s -> taskId.equals(attr(s, AttributeKeys.JOB_ID))).findFirst().get();
    assertEquals(JobIds.of(taskSpan), taskId, "queued, then announced while it waited: its span opens when its id is dated");
    assertEquals(pending.getStartEpochNanos(), taskSpan.getStartEpochNanos(), "the span of a task that waited opens at its enqueue");
    assertEquals("completed", attr(taskSpan, AttributeKeys.JOB_OUTCOME));
    assertEquals(longAttr(start, AttributeKeys.JOB_QUEUE_WAIT_MS), longAttr(taskSpan, AttributeKeys.JOB_QUEUE_WAIT_MS));
    assertEquals("worker-1", attr(taskSpan, AttributeKeys.THREAD_NAME));
  }

  @Test
  void aLambdaIsNamedAfterItsJobAndAFailureItsFutureKeptIsItsFailure() throws Exception {
    Reporter reporter = reporter(NEVER, NEVER);
    Object job = recorder.enter(work.id(), null);
    Callable<String> lambda = () -> {
      throw new IllegalStateException("no rows");
    };
    FutureTask<String> task = new FutureTask<>(lambda);
    recorder.taskSubmitting(lambda);
    recorder.taskQueued(task);
    recorder.taskSubmitting(null);
    recorder.exit(job, null);
    worker(task, task).join();
    reporter.tick();

    SpanData failed = spans(SpanNames.JOB).stream().filter(s -> attr(s, AttributeKeys.JOB_NAME).endsWith("/task")).findFirst().get();
    assertEquals("com.acme.Worker#work/task", attr(failed, AttributeKeys.JOB_NAME));
    assertEquals("failed", attr(failed, AttributeKeys.JOB_OUTCOME));
    assertEquals("no rows", failed.getStatus().getDescription());
    SpanData parent = spans(SpanNames.JOB).stream().filter(s -> attr(s, AttributeKeys.JOB_NAME).equals("com.acme.Worker#work")).findFirst().get();
    assertEquals(parent.getSpanId(), failed.getParentSpanId());
  }

  @Test
  void tasksQueuedOutsideAnyJobAreNotTracked() {
    Reporter reporter = reporter(NEVER, NEVER);
    Runnable task = () -> { };
    recorder.taskQueued(task);
    assertNull(recorder.taskStart(task));
    assertEquals(0, recorder.pendingTasks());
    reporter.tick();
    assertTrue(spans(SpanNames.JOB).isEmpty());
    assertTrue(spans(SpanNames.WORKER_HEARTBEAT).get(0).getEvents().isEmpty());
  }

  @Test
  void aPendingTaskDroppedByItsExecutorEndsAsNeverStarted() {
    Reporter reporter = reporter(SOON, NEVER);
    Object job = recorder.enter(work.id(), null);
    Runnable task = new FutureTask<>(new Export());
    recorder.taskQueued(task);
    await().atMost(WAIT).untilAsserted(() -> {
      reporter.tick();
      assertEquals(1, spans(SpanNames.JOB_PENDING).size());
    });
    recorder.taskDropped(task);
    assertNull(recorder.taskStart(task), "a dropped task is no longer pending");
    reporter.tick();

    SpanData dropped = spans(SpanNames.JOB).get(0);
    assertEquals(attr(spans(SpanNames.JOB_PENDING).get(0), AttributeKeys.JOB_ID), JobIds.of(dropped));
    assertEquals(StatusCode.ERROR, dropped.getStatus().getStatusCode());
    assertEquals(Reporter.NEVER_STARTED_DESCRIPTION, dropped.getStatus().getDescription());
    recorder.exit(job, null);
  }

  @Test
  void pendingTasksBeyondTheCapacityAreCountedAsDropped() {
    Reporter reporter = reporter(NEVER, NEVER);
    Object job = recorder.enter(work.id(), null);
    Runnable first = new FutureTask<>(new Export());
    recorder.taskQueued(first);
    recorder.taskQueued(first); // the same task seen twice on its way in counts once
    recorder.taskQueued(new FutureTask<>(new Export()));
    recorder.taskQueued(new FutureTask<>(new Export()));
    assertEquals(2, recorder.pendingTasks());
    assertEquals(1, recorder.dropped());
    reporter.tick();
    assertEquals(1L, longAttr(spans(SpanNames.WORKER_HEARTBEAT).get(0), AttributeKeys.HEARTBEAT_DROPPED_RUNS));
    recorder.exit(job, null);
  }

  @Test
  void theHeartbeatNamesTheTopFrameOfEachRunningJob() throws Exception {
    Reporter reporter = reporter(SOON, Duration.ofMillis(30));
    CountDownLatch release = new CountDownLatch(1);
    CountDownLatch entered = new CountDownLatch(1);
    Thread job = new Thread(() -> {
      Object run = recorder.enter(work.id(), null);
      entered.countDown();
      awaitQuietly(release);
      recorder.exit(run, null);
    }, "parked-job");
    job.start();
    entered.await();
    try {
      await().atMost(WAIT).untilAsserted(() -> {
        reporter.tick();
        assertTrue(spans(SpanNames.WORKER_HEARTBEAT).stream().anyMatch(h -> !h.getEvents().isEmpty()));
      });
      EventData active = spans(SpanNames.WORKER_HEARTBEAT).stream().filter(h -> !h.getEvents().isEmpty()).findFirst().get().getEvents().get(0);
      String top = active.getAttributes().get(AttributeKey.stringKey(AttributeKeys.STACK_TOP));
      // A parked thread's innermost frame is the JDK's park, whichever way the JDK spells it.
      assertTrue(top.matches("[\\w.$]+\\.[\\w$]+\\((Native Method|[\\w$]+\\.java:\\d+)\\)"), top);
      assertFalse(top.contains("/"), "no module or loader prefix: " + top);
    } finally {
      release.countDown();
      job.join();
    }
    assertEquals("java.lang.Thread.run(Thread.java:42)", Reporter.frame(new StackTraceElement("java.lang.Thread", "run", "Thread.java", 42)));
    assertEquals("a.B.c(Native Method)", Reporter.frame(new StackTraceElement("a.B", "c", null, -2)));
  }

  @Test
  void whenExportRecoversEveryRunInProgressIsAnnouncedAgainWithTheSameIds() {
    Reporter reporter = reporter(SOON, NEVER);
    Object job = recorder.enter(work.id(), null);
    Runnable task = new FutureTask<>(new Export());
    recorder.taskQueued(task);
    await().atMost(WAIT).untilAsserted(() -> {
      reporter.tick();
      assertEquals(1, spans(SpanNames.JOB_PENDING).size());
    });
    String jobId = attr(spans(SpanNames.JOB_START).get(0), AttributeKeys.JOB_ID);
    String taskId = attr(spans(SpanNames.JOB_PENDING).get(0), AttributeKeys.JOB_ID);
    reporter.tick();
    assertEquals(1, spans(SpanNames.JOB_START).size(), "nothing is said twice while export works");

    export.recovered.set(true);
    reporter.tick();

    List<SpanData> starts = spans(SpanNames.JOB_START);
    assertEquals(2, starts.size());
    assertEquals(jobId, attr(starts.get(1), AttributeKeys.JOB_ID));
    assertEquals(JobIds.spanIdOf(jobId), starts.get(1).getParentSpanId());
    List<SpanData> pendings = spans(SpanNames.JOB_PENDING);
    assertEquals(2, pendings.size());
    assertEquals(taskId, attr(pendings.get(1), AttributeKeys.JOB_ID));
    recorder.taskDropped(task);
    recorder.exit(job, null);
  }

  private static void awaitQuietly(CountDownLatch latch) {
    try {
      latch.await();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
