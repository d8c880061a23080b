package io.jobpulse.sample.e2e;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * A parent batch fans out 20 child batches and one of them dies (crashed-child-batches.md): the
 * parent's children stats and the child that died are in the API, in both shapes the app has,
 * children as tasks of an executor in the parent's JVM, and children as JVMs of their own.
 */
class ChildBatchesIT {

  private static final int CHILDREN = 20;
  private static final int CRASH_INDEX = 7;
  private static final Duration RUN = Duration.ofSeconds(120);
  private static final Duration SHOWN = Duration.ofSeconds(30);
  /** Child JVMs start, each with its agent, 5 at a time on a 2-core machine: a bound, not a speed. */
  private static final Duration CHILD_JVMS_STARTED = Duration.ofSeconds(90);

  @RegisterExtension static final ChildProcesses children = new ChildProcesses();
  @TempDir static Path dataDir;
  private static CollectorProcess collector;
  private static JobPulseApi api;

  @BeforeAll
  static void startCollector() {
    collector = children.startCollector(dataDir);
    api = collector.api();
  }

  /** (a) In-process children: the child that throws is FAILED, and its parent's stats count it. */
  @Test
  void childTaskThatThrowsIsFailedAndCountedInItsParentsStats() {
    String[] args = {"children", "--count", "" + CHILDREN, "--crash-index", "" + CRASH_INDEX,
        "--documents", "6", "--delay-ms", "50", "--parallel", "4", "--batch-id", "annotations-t"};
    AppProcess plain = children.app().args(args).start();
    AppProcess app =
        children.app().withAgent(collector)
            .jobs(SampleJobs.PARENT_BATCH + "(id=arg0.id,total=arg0.children);preset:executor")
            .args(args)
            .start();

    assertEquals(0, plain.awaitExit(RUN), plain::stderr);
    assertEquals(0, app.awaitExit(RUN), app::stderr);
    assertEquals(plain.stdout(), app.stdout(), "the agent changed the app's output");
    assertTrue(app.stdout().contains("19 completed, 1 failed [7]"), app::stdout);

    JsonNode parent = awaitParent("annotations-t", "COMPLETED");
    String parentId = parent.path("id").asText();
    JsonNode detail =
        api.awaitDetail(parentId, "children: 19 completed, 1 failed",
            d -> d.path("children").path("completed").asInt() == CHILDREN - 1
                && d.path("children").path("failed").asInt() == 1,
            SHOWN);
    assertEquals(CHILDREN, detail.path("children").path("total").asInt(), detail::toString);
    assertEquals(0, detail.path("children").path("crashed").asInt(), detail::toString);

    List<JsonNode> failed =
        api.jobs(Map.of("name", SampleJobs.CHILD_BATCH_TASK, "status", "FAILED"));
    assertEquals(1, failed.size(), () -> "one failed child task: " + failed);
    JsonNode child = failed.get(0);
    assertEquals(parentId, child.path("parentId").asText(), child::toString);
    assertEquals("java.lang.IllegalStateException", child.path("error").path("type").asText(), child::toString);
    assertTrue(child.path("error").path("message").asText().contains("annotations-t/7"), child::toString);
  }

  /**
   * (b) Children as JVMs of their own (the agent handed down in {@code JAVA_TOOL_OPTIONS}): child 7
   * hangs on its malformed document and is killed with {@code kill -9}, as the incident's
   * segfault killed it. It is CRASHED, and its parent, still waiting for it, shows it.
   */
  @Test
  void childJvmKilledMidBatchIsCrashedAndItsWaitingParentShowsIt() {
    AppProcess app =
        children.app().withAgent(collector).withLease().agentInEnvironment()
            // 21 short-lived JVMs on a 2-core machine: the client compiler alone starts them on
            // about a third less CPU.
            .jvmOption("-XX:TieredStopAtLevel=1")
            .args("children", "--count", "" + CHILDREN, "--crash-index", "" + CRASH_INDEX,
                "--documents", "6", "--delay-ms", "100", "--parallel", "5", "--mode", "processes",
                "--batch-id", "annotations-p")
            .start();

    JsonNode parent = awaitParent("annotations-p", "RUNNING");
    String parentId = parent.path("id").asText();
    JsonNode seventh =
        api.awaitListed(Map.of("name", SampleJobs.CHILD_BATCH), "child 7 RUNNING with some progress",
            job -> "annotations-p/7".equals(job.path("businessId").asText())
                && "RUNNING".equals(job.path("status").asText())
                && job.path("progress").path("done").asLong() > 0,
            CHILD_JVMS_STARTED);
    assertEquals(parentId, seventh.path("parentId").asText(), () -> "a child JVM's run is its parent's child: " + seventh);
    ProcessHandle seventhJvm =
        await("child 7's JVM").atMost(SHOWN).until(() -> childJvm(app, CRASH_INDEX), Optional::isPresent).get();

    seventhJvm.destroyForcibly();
    String seventhId = seventh.path("id").asText();
    JsonNode waiting =
        api.awaitDetail(parentId, "the parent RUNNING and waiting on child 7",
            d -> "RUNNING".equals(d.path("status").asText())
                && seventhId.equals(d.path("waitingOn").path("childId").asText()),
            SHOWN);
    assertEquals("CRASHED", waiting.path("waitingOn").path("status").asText(), waiting::toString);
    assertEquals("CRASHED", api.jobDetail(seventhId).path("status").asText());

    assertEquals(0, app.awaitExit(RUN), app::stderr);
    assertTrue(app.stdout().contains("child batch annotations-p/7 died with exit code 137"), app::stdout);
    assertTrue(app.stdout().contains("19 completed, 1 died [7]"), app::stdout);
    JsonNode done =
        api.awaitDetail(parentId, "the parent COMPLETED with 19 completed children",
            d -> "COMPLETED".equals(d.path("status").asText())
                && d.path("children").path("completed").asInt() == CHILDREN - 1,
            SHOWN);
    JsonNode stats = done.path("children");
    assertEquals(1, stats.path("crashed").asInt(), done::toString);
    assertEquals(CHILDREN, stats.path("total").asInt(), done::toString);
    assertEquals(List.of(seventhId), textList(done.path("crashedChildren")), done::toString);
  }

  private static JsonNode awaitParent(String batchId, String status) {
    return api.awaitListed(Map.of("name", SampleJobs.PARENT_BATCH), "parent " + batchId + " " + status,
        job -> batchId.equals(job.path("businessId").asText()) && status.equals(job.path("status").asText()),
        SHOWN);
  }

  /** The live child JVM the app started for child batch {@code index}. */
  private static Optional<ProcessHandle> childJvm(AppProcess app, int index) {
    return app.descendants()
        .filter(ProcessHandle::isAlive)
        .filter(handle -> handle.info().arguments()
            .map(List::of)
            .map(arguments -> Collections.indexOfSubList(arguments, List.of("--index", "" + index)) >= 0)
            .orElse(false))
        .findFirst();
  }

  private static List<String> textList(JsonNode array) {
    return StreamSupport.stream(array.spliterator(), false).map(JsonNode::asText).toList();
  }
}
