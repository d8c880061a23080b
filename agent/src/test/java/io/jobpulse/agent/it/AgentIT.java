package io.jobpulse.agent.it;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jobpulse.contract.AttributeKeys;
import io.jobpulse.contract.SpanNames;
import java.io.IOException;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.function.Predicate;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** The real shaded agent jar on a real child JVM, reporting to a real OTLP receiver. */
class AgentIT {

  private static final Duration WAIT = Duration.ofSeconds(30);
  private static final String APP = "io.jobpulse.testapp.";
  private static final String JOBS = String.join(";",
      APP + "Jobs#quick",
      APP + "Jobs#explode",
      APP + "Jobs#longRun(id=arg0.id,total=arg0.items)",
      APP + "Jobs#child",
      APP + "Jobs#hang",
      "implements:" + APP + "Worker#perform");

  static List<String> javas() {
    return ChildJvm.javas().collect(java.util.stream.Collectors.toList());
  }

  private static String arguments(String collector) {
    return "collector.endpoint=" + collector
        + ",lease.endpoint=none"
        + ",heartbeat.interval=300ms"
        + ",jobs=" + JOBS
        + ",items=" + APP + "Jobs#item"
        + ",ingest.token=t0ken";
  }

  private static Optional<ReceivedSpan> find(OtlpReceiver receiver, String name, Predicate<ReceivedSpan> filter) {
    return receiver.spans(name).stream().filter(filter).findFirst();
  }

  private static ReceivedSpan awaitSpan(OtlpReceiver receiver, String name, Predicate<ReceivedSpan> filter) {
    return await().atMost(WAIT).until(() -> find(receiver, name, filter), Optional::isPresent).get();
  }

  private static Predicate<ReceivedSpan> job(String method) {
    return s -> (APP + "Jobs#" + method).equals(s.attr(AttributeKeys.JOB_NAME));
  }

  @ParameterizedTest
  @MethodSource("javas")
  void reportsTheLifeOfEveryKindOfJob(String java) throws Exception {
    try (OtlpReceiver receiver = new OtlpReceiver();
        ChildJvm child = ChildJvm.start(java, arguments(receiver.endpoint()), "full")) {
      child.awaitOutput("child waiting");

      // The application sees its own exception, exactly as without the agent.
      assertTrue(child.stdout().contains("caught java.lang.IllegalStateException: boom 42"), child.stdout());
      ReceivedSpan failed = awaitSpan(receiver, SpanNames.JOB, job("explode"));
      assertEquals("failed", failed.attr(AttributeKeys.JOB_OUTCOME));
      assertTrue(failed.error);
      assertEquals("boom 42", failed.statusMessage);
      ReceivedSpan.Event exception = failed.events.get(0);
      assertEquals(SpanNames.EVENT_EXCEPTION, exception.name);
      assertEquals("java.lang.IllegalStateException", exception.attributes.get(AttributeKeys.EXCEPTION_TYPE));
      assertEquals("boom 42", exception.attributes.get(AttributeKeys.EXCEPTION_MESSAGE));

      // The long job and its nested child are announced, the parent first, and listed as alive.
      ReceivedSpan longStart = awaitSpan(receiver, SpanNames.JOB_START, job("longRun"));
      ReceivedSpan childStart = awaitSpan(receiver, SpanNames.JOB_START, job("child"));
      String longId = longStart.attr(AttributeKeys.JOB_ID);
      String childId = childStart.attr(AttributeKeys.JOB_ID);
      assertEquals(ReceivedSpan.spanIdOf(longId), longStart.parentSpanId);
      assertEquals("order-7", longStart.attr(AttributeKeys.JOB_BUSINESS_ID));
      assertEquals(3L, longStart.attributes.get(AttributeKeys.PROGRESS_TOTAL));
      assertEquals(longId, childStart.attr(AttributeKeys.JOB_PARENT_ID));
      assertEquals(longStart.traceId, childStart.traceId);
      assertEquals("main", longStart.attr(AttributeKeys.THREAD_NAME));
      assertTrue(receiver.spans().indexOf(longStart) < receiver.spans().indexOf(childStart), "parent announced first");
      ReceivedSpan alive = awaitSpan(receiver, SpanNames.WORKER_HEARTBEAT,
          h -> h.attributes.get(AttributeKeys.HEARTBEAT_ACTIVE_JOBS).equals(List.of(longId, childId)));
      ReceivedSpan.Event longActive = alive.events.stream().filter(e -> longId.equals(e.attributes.get(AttributeKeys.JOB_ID))).findFirst().get();
      assertEquals(2L, longActive.attributes.get(AttributeKeys.PROGRESS_DONE));
      assertEquals(3L, longActive.attributes.get(AttributeKeys.PROGRESS_TOTAL));
      assertEquals(300L, alive.attributes.get(AttributeKeys.HEARTBEAT_INTERVAL_MS));
      assertNotNull(longActive.attributes.get(AttributeKeys.THREAD_STATE));
      assertNotNull(longActive.attributes.get(AttributeKeys.STACK_MOVED));

      // Short runs are summed up on a heartbeat, implementations found through a superclass too.
      awaitSpan(receiver, SpanNames.WORKER_HEARTBEAT, h -> h.events.stream().anyMatch(e -> e.name.equals(SpanNames.EVENT_JOB_SUMMARY)
          && (APP + "Jobs#quick").equals(e.attributes.get(AttributeKeys.JOB_NAME)) && Long.valueOf(3).equals(e.attributes.get(AttributeKeys.SUMMARY_COUNT))));
      awaitSpan(receiver, SpanNames.WORKER_HEARTBEAT, h -> h.events.stream().anyMatch(e ->
          (APP + "InheritedWorker#perform").equals(e.attributes.get(AttributeKeys.JOB_NAME))));
      assertFalse(find(receiver, SpanNames.JOB, job("quick")).isPresent());

      child.send("go");
      child.awaitOutput("hanging");
      ReceivedSpan longEnd = awaitSpan(receiver, SpanNames.JOB, job("longRun"));
      ReceivedSpan childEnd = awaitSpan(receiver, SpanNames.JOB, job("child"));
      assertEquals(longId, longEnd.attr(AttributeKeys.JOB_ID));
      assertEquals(longEnd.jobIdOfItsStart(), longId, "its start time, then its span id");
      assertEquals("completed", longEnd.attr(AttributeKeys.JOB_OUTCOME));
      assertEquals(3L, longEnd.attributes.get(AttributeKeys.PROGRESS_DONE));
      assertEquals(ReceivedSpan.spanIdOf(longId), childEnd.parentSpanId);
      assertEquals(childEnd.jobIdOfItsStart(), childId);
      assertTrue(child.stdout().contains("long returned 3"));

      // A graceful exit abandons the job still running and says goodbye.
      String hangId = awaitSpan(receiver, SpanNames.JOB_START, job("hang")).attr(AttributeKeys.JOB_ID);
      child.send("exit");
      assertEquals(0, child.awaitExit());
      ReceivedSpan hang = awaitSpan(receiver, SpanNames.JOB, job("hang"));
      assertEquals("abandoned", hang.attr(AttributeKeys.JOB_OUTCOME));
      assertEquals("JVM exited while the job ran", hang.statusMessage);
      assertEquals(hangId, hang.attr(AttributeKeys.JOB_ID));
      assertEquals(ReceivedSpan.spanIdOf(hangId), hang.spanId);
      ReceivedSpan stop = awaitSpan(receiver, SpanNames.WORKER_STOP, s -> true);
      assertEquals(List.of(hangId), stop.attributes.get(AttributeKeys.WORKER_ABANDONED_JOBS));

      assertEquals("ChildApp", stop.resource.get(AttributeKeys.SERVICE_NAME));
      assertEquals(child.pid(), stop.resource.get(AttributeKeys.PROCESS_PID));
      assertNotNull(stop.resource.get(AttributeKeys.SERVICE_INSTANCE_ID));
      assertNotNull(stop.resource.get(AttributeKeys.HOST_NAME));
      assertNotNull(stop.resource.get(AttributeKeys.AGENT_VERSION));
      assertTrue(receiver.authorizations().stream().allMatch("Bearer t0ken"::equals));
      assertFalse(child.stderr().contains("t0ken"));
    }
  }

  @ParameterizedTest
  @MethodSource("javas")
  void withTheCollectorAwayTheApplicationBehavesAsWithoutTheAgent(String java) throws Exception {
    String without;
    int withoutCode;
    try (ChildJvm plain = ChildJvm.start(java, null, "plain")) {
      withoutCode = plain.awaitExit();
      without = plain.stdout();
    }
    try (ChildJvm agent = ChildJvm.start(java, arguments("http://127.0.0.1:" + freePort()), "plain")) {
      assertEquals(withoutCode, agent.awaitExit());
      assertEquals(without, agent.stdout());
      for (String line : agent.stderr().split("\n")) {
        assertTrue(line.isEmpty() || line.startsWith("[jobpulse] "), "only the agent's own lines on stderr: " + line);
      }
    }
    assertEquals(3, withoutCode);
    assertTrue(without.contains("caught java.lang.IllegalStateException: boom 42"));
  }

  @ParameterizedTest
  @MethodSource("javas")
  void disabledTheAgentSendsNothing(String java) throws Exception {
    try (OtlpReceiver receiver = new OtlpReceiver();
        ChildJvm child = ChildJvm.start(java, arguments(receiver.endpoint()) + ",enabled=false", "plain")) {
      assertEquals(3, child.awaitExit());
      assertEquals("", child.stderr());
      assertTrue(receiver.spans().isEmpty());
    }
  }

  private static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    }
  }
}
