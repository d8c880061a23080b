package io.jobpulse.agent.it;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jobpulse.contract.AttributeKeys;
import io.jobpulse.contract.SpanNames;
import io.jobpulse.testapp.executor.ExecutorApp;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** The collector goes away and comes back: what it may have lost is said again. */
class CollectorAwayIT {

  private static final String LONG_JOB = "io.jobpulse.testapp.executor.Dispatch#longJob";

  static List<String> javas() {
    return AgentIT.javas();
  }

  @ParameterizedTest
  @MethodSource("javas")
  void aRunningJobIsAnnouncedAgainWhenTheCollectorComesBack(String java) throws Exception {
    OtlpReceiver first = new OtlpReceiver();
    int port = first.port();
    try (ChildJvm child = ChildJvm.start(java, ExecutorIT.arguments(first.endpoint()), ExecutorApp.class.getName(), ExecutorApp.class)) {
      String id;
      try (first) {
        child.awaitOutput("ready");
        child.send("long");
        id = ExecutorIT.awaitSpan(first, SpanNames.JOB_START, ExecutorIT.named(LONG_JOB)).attr(AttributeKeys.JOB_ID);
      }
      // Away: exports fail (the agent says so once), the application goes on.
      await().atMost(Duration.ofSeconds(30)).until(() -> child.stderr().contains("cannot send spans"));
      child.send("plumbing");
      child.awaitOutput("done plumbing");

      try (OtlpReceiver back = new OtlpReceiver(port)) {
        ReceivedSpan again = ExecutorIT.awaitSpan(back, SpanNames.JOB_START, ExecutorIT.named(LONG_JOB));
        assertEquals(id, again.attr(AttributeKeys.JOB_ID), "the same run, announced again");
        assertEquals(ReceivedSpan.spanIdOf(id), again.parentSpanId);
        ReceivedSpan alive = ExecutorIT.awaitSpan(back, SpanNames.WORKER_HEARTBEAT,
            h -> List.of(id).equals(h.attributes.get(AttributeKeys.HEARTBEAT_ACTIVE_JOBS)));
        assertTrue(alive.events.stream().anyMatch(e -> id.equals(e.attributes.get(AttributeKeys.JOB_ID))));

        child.send("release");
        ReceivedSpan end = ExecutorIT.awaitSpan(back, SpanNames.JOB, ExecutorIT.named(LONG_JOB));
        assertEquals(id, end.attr(AttributeKeys.JOB_ID));
        assertEquals(ReceivedSpan.spanIdOf(id), end.spanId);
        assertEquals("completed", end.attr(AttributeKeys.JOB_OUTCOME));
      }
    }
  }
}
