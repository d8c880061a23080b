package io.jobpulse.agent.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jobpulse.contract.AttributeKeys;
import io.jobpulse.contract.SpanNames;
import io.jobpulse.testapp.process.BatchProcess;
import io.jobpulse.testapp.process.Launcher;
import java.io.File;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * A job that starts a batch process (a JVM with the agent too): the batch's job is that job's
 * child, in its trace, whether the process was started through a ProcessBuilder or Runtime.exec.
 */
class ChildProcessIT {

  private static final String APP = "io.jobpulse.testapp.process.";
  private static final String BATCH_JOB = APP + "BatchProcess#processBatch";
  private static final Pattern PARENT = Pattern.compile("(builder|exec|shared in a job|shared outside): batch processed 3 parent (\\S+) exit 0");

  static List<String> javas() {
    return AgentIT.javas();
  }

  private static String arguments(OtlpReceiver receiver, String jobs) {
    // Short runs as spans: the batch's job ends before any announce delay.
    return "collector.endpoint=" + receiver.endpoint() + ",lease.endpoint=none,heartbeat.interval=300ms,report.short-runs=span,jobs=" + jobs;
  }

  @ParameterizedTest
  @MethodSource("javas")
  void theJobOfABatchProcessIsAChildOfTheJobThatStartedIt(String java) throws Exception {
    try (OtlpReceiver receiver = new OtlpReceiver()) {
      List<String> batch = List.of(java,
          "-javaagent:" + new File(ChildJvm.AGENT_JAR).getAbsolutePath() + "=" + arguments(receiver, BATCH_JOB),
          "-cp", new File(BatchProcess.class.getProtectionDomain().getCodeSource().getLocation().toURI()).getAbsolutePath(),
          BatchProcess.class.getName());
      String launcherJobs = APP + "Launcher#launch;" + APP + "Launcher#launchExec;" + APP + "Launcher#launchWith";
      try (ChildJvm launcher = ChildJvm.start(java, arguments(receiver, launcherJobs), Launcher.class.getName(), batch, Launcher.class)) {
        assertEquals(0, launcher.awaitExit(), launcher.stdout() + launcher.stderr());

        // What each batch process saw in its environment: its parent job's id, and none outside a job.
        Matcher seen = PARENT.matcher(launcher.stdout());
        Map<String, String> parentSeen = new HashMap<>();
        while (seen.find()) {
          parentSeen.put(seen.group(1), seen.group(2));
        }
        assertEquals(4, parentSeen.size(), launcher.stdout());
        assertEquals("null", parentSeen.get("shared outside"), "a builder reused outside the job names no stale parent");

        for (String[] job : new String[][] {{"launch", "builder"}, {"launchExec", "exec"}, {"launchWith", "shared in a job"}}) {
          ReceivedSpan parent = ExecutorIT.awaitSpan(receiver, SpanNames.JOB, ExecutorIT.named(APP + "Launcher#" + job[0]));
          String parentId = parent.attr(AttributeKeys.JOB_ID);
          assertEquals(parentId, parentSeen.get(job[1]));
          assertEquals(parent.jobIdOfItsStart(), parentId, "its start time, then its span id");
          ReceivedSpan child = ExecutorIT.awaitSpan(receiver, SpanNames.JOB,
              s -> BATCH_JOB.equals(s.attr(AttributeKeys.JOB_NAME)) && parentId.equals(s.attr(AttributeKeys.JOB_PARENT_ID)));
          assertEquals(parent.traceId, child.traceId, "the same trace");
          assertEquals(ReceivedSpan.spanIdOf(parentId), child.parentSpanId, "the parent job's span is the span parent");
          assertEquals("completed", child.attr(AttributeKeys.JOB_OUTCOME));
          assertNotEquals(parent.resource.get(AttributeKeys.SERVICE_INSTANCE_ID), child.resource.get(AttributeKeys.SERVICE_INSTANCE_ID));
        }
        // The batch started outside any job starts its own trace.
        Set<String> launcherTraces = receiver.spans(SpanNames.JOB).stream()
            .filter(s -> s.attr(AttributeKeys.JOB_NAME).startsWith(APP + "Launcher#")).map(s -> s.traceId).collect(Collectors.toSet());
        ReceivedSpan orphan = ExecutorIT.awaitSpan(receiver, SpanNames.JOB,
            s -> BATCH_JOB.equals(s.attr(AttributeKeys.JOB_NAME)) && s.attr(AttributeKeys.JOB_PARENT_ID) == null);
        assertTrue(orphan.parentSpanId.isEmpty());
        assertFalse(launcherTraces.contains(orphan.traceId));
        Set<String> batchIds = new HashSet<>();
        receiver.spans(SpanNames.JOB).stream().filter(ExecutorIT.named(BATCH_JOB)).forEach(s -> batchIds.add(s.attr(AttributeKeys.JOB_ID)));
        assertEquals(4, batchIds.size());
        assertNull(launcher.stderr().lines().filter(l -> !l.startsWith("[jobpulse] ")).findFirst().orElse(null));
      }
    }
  }
}
