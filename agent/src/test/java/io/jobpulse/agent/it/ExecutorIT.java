package io.jobpulse.agent.it;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jobpulse.contract.AttributeKeys;
import io.jobpulse.contract.SpanNames;
import io.jobpulse.testapp.executor.ExecutorApp;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.function.Predicate;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * preset:executor on real child JVMs: tasks a job hands to the JDK's executors become its children,
 * pending while they wait in a queue; the application's own tasks outside jobs are not reported.
 */
class ExecutorIT {

  private static final Duration WAIT = Duration.ofSeconds(30);
  private static final String APP = "io.jobpulse.testapp.executor.";

  static List<String> javas() {
    return AgentIT.javas();
  }

  static String arguments(String collector) {
    return "collector.endpoint=" + collector
        + ",lease.endpoint=none"
        + ",heartbeat.interval=300ms"
        + ",jobs=" + APP + "Dispatch#enqueue;" + APP + "Dispatch#fanOut;" + APP + "Dispatch#longJob;preset:executor";
  }

  static ReceivedSpan awaitSpan(OtlpReceiver receiver, String name, Predicate<ReceivedSpan> filter) {
    return await().atMost(WAIT).until(() -> receiver.spans(name).stream().filter(filter).findFirst(), Optional::isPresent).get();
  }

  static Predicate<ReceivedSpan> named(String jobName) {
    return s -> jobName.equals(s.attr(AttributeKeys.JOB_NAME));
  }

  @ParameterizedTest
  @MethodSource("javas")
  void aTaskStuckInASaturatedExecutorIsPendingThenStartsWithItsQueueWait(String java) throws Exception {
    try (OtlpReceiver receiver = new OtlpReceiver();
        ChildJvm child = ChildJvm.start(java, arguments(receiver.endpoint()), ExecutorApp.class.getName(), ExecutorApp.class)) {
      child.awaitOutput("ready");
      child.send("enqueue");

      // The job returned at once, but its tasks live on: it has a span of its own for them to name.
      ReceivedSpan enqueue = awaitSpan(receiver, SpanNames.JOB, named(APP + "Dispatch#enqueue"));
      assertEquals("completed", enqueue.attr(AttributeKeys.JOB_OUTCOME));
      String parentId = enqueue.attr(AttributeKeys.JOB_ID);

      ReceivedSpan pending = awaitSpan(receiver, SpanNames.JOB_PENDING, named(APP + "QueuedReport#call"));
      String reportId = pending.attr(AttributeKeys.JOB_ID);
      assertEquals(ReceivedSpan.spanIdOf(reportId), pending.parentSpanId, "a child of the still-open job span");
      assertEquals(parentId, pending.attr(AttributeKeys.JOB_PARENT_ID));
      assertEquals(enqueue.traceId, pending.traceId);
      assertFalse(pending.attributes.containsKey(AttributeKeys.THREAD_NAME), "no thread took it yet");

      ReceivedSpan blocker = awaitSpan(receiver, SpanNames.JOB_START, named(APP + "Blocker#run"));
      assertEquals(parentId, blocker.attr(AttributeKeys.JOB_PARENT_ID));
      assertEquals("single-worker", blocker.attr(AttributeKeys.THREAD_NAME));
      String blockerId = blocker.attr(AttributeKeys.JOB_ID);

      // One heartbeat lists the waiting task apart from the running one, with the runner's top frame.
      ReceivedSpan heartbeat = awaitSpan(receiver, SpanNames.WORKER_HEARTBEAT,
          h -> List.of(reportId).equals(h.attributes.get(AttributeKeys.HEARTBEAT_PENDING_JOBS))
              && List.of(blockerId).equals(h.attributes.get(AttributeKeys.HEARTBEAT_ACTIVE_JOBS)));
      assertEquals(0L, heartbeat.attributes.get(AttributeKeys.HEARTBEAT_DROPPED_RUNS));
      Object top = heartbeat.events.get(0).attributes.get(AttributeKeys.STACK_TOP);
      assertNotNull(top);
      assertTrue(top.toString().matches("[\\w.$]+\\.[\\w$<>]+\\((Native Method|[\\w$]+\\.java:\\d+|Unknown Source)\\)"), top.toString());

      child.send("release");
      ReceivedSpan start = awaitSpan(receiver, SpanNames.JOB_START, named(APP + "QueuedReport#call"));
      assertEquals(reportId, start.attr(AttributeKeys.JOB_ID));
      assertEquals("single-worker", start.attr(AttributeKeys.THREAD_NAME));
      assertTrue((Long) start.attributes.get(AttributeKeys.JOB_QUEUE_WAIT_MS) >= 0);
      ReceivedSpan report = awaitSpan(receiver, SpanNames.JOB, named(APP + "QueuedReport#call"));
      assertEquals(reportId, report.attr(AttributeKeys.JOB_ID));
      assertEquals(ReceivedSpan.spanIdOf(reportId), report.spanId);
      assertEquals("failed", report.attr(AttributeKeys.JOB_OUTCOME), "the failure the future kept is the task's");
      assertEquals("report failed", report.statusMessage);
      assertEquals(start.attributes.get(AttributeKeys.JOB_QUEUE_WAIT_MS), report.attributes.get(AttributeKeys.JOB_QUEUE_WAIT_MS));
      ReceivedSpan blockerEnd = awaitSpan(receiver, SpanNames.JOB, named(APP + "Blocker#run"));
      assertEquals(blockerId, blockerEnd.attr(AttributeKeys.JOB_ID));
      assertEquals(ReceivedSpan.spanIdOf(blockerId), blockerEnd.spanId);
      assertTrue(child.stdout().contains("report ran"));
    }
  }

  @ParameterizedTest
  @MethodSource("javas")
  void tasksAJobSubmitsAreItsChildrenOnOtherThreadsAndPlumbingIsNotReported(String java) throws Exception {
    try (OtlpReceiver receiver = new OtlpReceiver();
        ChildJvm child = ChildJvm.start(java, arguments(receiver.endpoint()) + ",report.short-runs=span", ExecutorApp.class.getName(), ExecutorApp.class)) {
      child.awaitOutput("ready");
      child.send("plumbing");
      child.awaitOutput("done plumbing");
      child.send("fanout");

      ReceivedSpan fanOut = awaitSpan(receiver, SpanNames.JOB_START, named(APP + "Dispatch#fanOut"));
      String parentId = fanOut.attr(AttributeKeys.JOB_ID);
      // On the common ForkJoinPool: a lambda only its job can name.
      ReceivedSpan async = awaitSpan(receiver, SpanNames.JOB_START, named(APP + "Dispatch#fanOut/task"));
      assertEquals(parentId, async.attr(AttributeKeys.JOB_PARENT_ID));
      assertEquals(fanOut.traceId, async.traceId);
      assertTrue(async.attr(AttributeKeys.THREAD_NAME).contains("ForkJoinPool"), async.attr(AttributeKeys.THREAD_NAME));

      child.send("release");
      child.awaitOutput("fanout 42");
      ReceivedSpan counted = awaitSpan(receiver, SpanNames.JOB, named(APP + "CountRows#call"));
      assertEquals(parentId, counted.attr(AttributeKeys.JOB_PARENT_ID));
      assertEquals(ReceivedSpan.spanIdOf(parentId), counted.parentSpanId);
      assertEquals(fanOut.traceId, counted.traceId);
      assertEquals("pool-worker", counted.attr(AttributeKeys.THREAD_NAME));
      assertEquals("completed", counted.attr(AttributeKeys.JOB_OUTCOME));
      awaitSpan(receiver, SpanNames.JOB, named(APP + "Dispatch#fanOut"));

      assertTrue(child.stdout().contains("plumbing"));
      assertTrue(receiver.spans().stream().noneMatch(s -> String.valueOf(s.attr(AttributeKeys.JOB_NAME)).contains("Plumbing")),
          "tasks outside any job are not jobs");
      assertTrue(receiver.spans(SpanNames.WORKER_HEARTBEAT).stream().allMatch(h -> h.events.stream()
          .noneMatch(e -> String.valueOf(e.attributes.get(AttributeKeys.JOB_NAME)).contains("Plumbing"))));
    }
  }
}
