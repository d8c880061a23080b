package io.jobpulse.agent.it;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jobpulse.contract.AttributeKeys;
import io.jobpulse.contract.SpanNames;
import io.jobpulse.testapp.load.LoadApp;
import java.io.IOException;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The agent inside someone else's application, with its collector gone for a long time: nothing
 * lost that matters, nothing broken, nobody in. A load application runs 200,000 job runs
 * (quick, failing, longer, one throughout) over about 12 s against a closed port.
 */
class LongOutageIT {

  private static final String APP = "io.jobpulse.testapp.load.";
  private static final String LOAD = APP + "Load#";
  private static final String BROKEN_MATCHER = "a.B#run(id=oops)";
  private static final String JOBS = String.join(";", LOAD + "quick", LOAD + "fail", LOAD + "withOrder(id=arg0.id)", LOAD + "slow", LOAD + "longJob", BROKEN_MATCHER);
  private static final int PHASES = 8;
  private static final int RUNS_PER_PHASE = 25_000;
  /** Growth of the heap after a full GC allowed between the first and the last phase. */
  private static final long HEAP_GROWTH_BOUND = 16L * 1024 * 1024;
  /** Reporter, exporter, batch processor, lease, the JDK HTTP client's selector and workers. */
  private static final int AGENT_THREADS_BOUND = 8;
  /** The JVM's own threads and the application's. */
  private static final Set<String> NOT_THE_AGENTS = Set.of("main", "long-job", "Reference Handler", "Finalizer", "Signal Dispatcher",
      "Common-Cleaner", "Notification Thread", "Attach Listener", "DestroyJavaVM", "process reaper");
  private static final Pattern PHASE = Pattern.compile("phase (\\d+) heap (\\d+) threads (.*)");
  private static final Duration LOAD_TIME = Duration.ofMinutes(3);

  static List<String> javas() {
    return AgentIT.javas();
  }

  private static String arguments(int port) {
    return "collector.endpoint=http://127.0.0.1:" + port + ",heartbeat.interval=300ms,items=" + LOAD + "row,jobs=" + JOBS;
  }

  private static List<String> load(int phases, int runsPerPhase, int phaseMillis) {
    return List.of(Integer.toString(phases), Integer.toString(runsPerPhase), Integer.toString(phaseMillis));
  }

  @ParameterizedTest
  @MethodSource("javas")
  void aLongOutageCostsBoundedMemoryAndThreadsAndTheAgentCatchesUpWhenTheCollectorReturns(String java) throws Exception {
    int port = freePort();
    try (ChildJvm child = ChildJvm.start(java, arguments(port), LoadApp.class.getName(), load(PHASES, RUNS_PER_PHASE, 1500))) {
      await().atMost(LOAD_TIME).until(() -> child.stdout().contains("load done") || !child.stderr().isEmpty() && child.stdout().contains("Exception"));
      assertTrue(child.stdout().contains("load done sum=" + expectedSum() + " failures=" + PHASES * RUNS_PER_PHASE / 10), child.stdout());

      List<Long> heaps = new ArrayList<>();
      List<Set<String>> agentThreads = new ArrayList<>();
      Matcher phase = PHASE.matcher(child.stdout());
      while (phase.find()) {
        heaps.add(Long.parseLong(phase.group(2)));
        Set<String> threads = new TreeSet<>(Arrays.asList(phase.group(3).split("\\|")));
        threads.removeAll(NOT_THE_AGENTS);
        agentThreads.add(threads);
      }
      assertEquals(PHASES, heaps.size(), child.stdout());
      assertTrue(heaps.get(PHASES - 1) <= heaps.get(0) + HEAP_GROWTH_BOUND, "used heap after GC, phase by phase: " + heaps);
      for (Set<String> threads : agentThreads) {
        assertTrue(threads.size() <= AGENT_THREADS_BOUND && threads.contains("jobpulse-reporter"), "the agent's threads, phase by phase: " + agentThreads);
      }

      // Each problem said once, clearly; the collector's absence too.
      assertEquals(1, count(child.stderr(), "'oops'"), child.stderr());
      assertEquals(1, count(child.stderr(), "order has no id yet"), child.stderr());
      assertEquals(1, count(child.stderr(), "cannot send spans"), child.stderr());
      for (String line : child.stderr().split("\n")) {
        assertTrue(line.isEmpty() || line.startsWith("[jobpulse] "), "only the agent's own lines on stderr: " + line);
      }

      try (OtlpReceiver back = new OtlpReceiver(port)) {
        // The run in progress throughout is announced again, and listed alive, with what was lost.
        String longId = ExecutorIT.awaitSpan(back, SpanNames.JOB_START, ExecutorIT.named(LOAD + "longJob")).attr(AttributeKeys.JOB_ID);
        // (Heartbeats queued during the outage may arrive first: the counts are the latest ones'.)
        ExecutorIT.awaitSpan(back, SpanNames.WORKER_HEARTBEAT,
            h -> ((List<?>) h.attributes.get(AttributeKeys.HEARTBEAT_ACTIVE_JOBS)).contains(longId)
                && (Long) h.attributes.get(AttributeKeys.HEARTBEAT_DROPPED_SPANS) > 0
                && (Long) h.attributes.get(AttributeKeys.HEARTBEAT_AGENT_ERRORS) + (Long) h.attributes.get(AttributeKeys.HEARTBEAT_DROPPED_RUNS)
                    >= PHASES * RUNS_PER_PHASE / 10);

        child.send("release");
        await().atMost(LOAD_TIME).until(() -> child.stdout().contains("after done failures=" + (PHASES * RUNS_PER_PHASE / 10 + 10)));
        ReceivedSpan longEnd = ExecutorIT.awaitSpan(back, SpanNames.JOB, ExecutorIT.named(LOAD + "longJob"));
        assertEquals(longId, longEnd.attr(AttributeKeys.JOB_ID));
        assertEquals(ReceivedSpan.spanIdOf(longId), longEnd.spanId);
        assertEquals("completed", longEnd.attr(AttributeKeys.JOB_OUTCOME));
        await().atMost(LOAD_TIME).until(() -> back.spans(SpanNames.JOB).stream().filter(s -> s.statusMessage.startsWith("bad row after-")).count() == 10);
        ExecutorIT.awaitSpan(back, SpanNames.WORKER_HEARTBEAT, h -> h.events.stream().anyMatch(e ->
            SpanNames.EVENT_JOB_SUMMARY.equals(e.name) && (LOAD + "quick").equals(e.attributes.get(AttributeKeys.JOB_NAME))));

        // Nothing wrongly reported: only the failing method failed, every other run completed.
        for (ReceivedSpan job : back.spans(SpanNames.JOB)) {
          boolean failing = (LOAD + "fail").equals(job.attr(AttributeKeys.JOB_NAME));
          assertEquals(failing ? "failed" : "completed", job.attr(AttributeKeys.JOB_OUTCOME), job.toString());
          if (failing) {
            assertTrue(job.statusMessage.startsWith("bad row "), job.statusMessage);
          }
        }
        child.send("exit");
        assertEquals(0, child.awaitExit());
      }
    }
  }

  @ParameterizedTest
  @MethodSource("javas")
  void disabledTheAgentStartsNoThreadAndChangesNothing(String java) throws Exception {
    List<String> load = load(2, 1000, 100);
    String without;
    try (ChildJvm plain = ChildJvm.start(java, null, LoadApp.class.getName(), load)) {
      plain.send("release");
      plain.send("exit");
      assertEquals(0, plain.awaitExit());
      without = plain.stdout();
    }
    try (ChildJvm disabled = ChildJvm.start(java, arguments(freePort()) + ",enabled=false", LoadApp.class.getName(), load)) {
      disabled.send("release");
      disabled.send("exit");
      assertEquals(0, disabled.awaitExit());
      // The same output, the same thread names: the heap figures aside.
      assertEquals(withoutHeap(without), withoutHeap(disabled.stdout()));
      assertEquals("", disabled.stderr());
    }
    assertTrue(without.contains("threads "), without);
  }

  /** What LoadApp's main loop adds up. */
  private static long expectedSum() {
    long sum = 0;
    for (int n = 0; n < PHASES * RUNS_PER_PHASE; n++) {
      if (n % 10 == 1) {
        sum += 1;
      } else if (n % 10 != 0) {
        sum += n % 7;
      }
    }
    return sum + PHASES; // one slow job per phase
  }

  private static String withoutHeap(String output) {
    return output.replaceAll("heap \\d+", "heap N");
  }

  private static long count(String text, String part) {
    return Arrays.stream(text.split("\n")).filter(line -> line.contains(part)).count();
  }

  private static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    }
  }
}
