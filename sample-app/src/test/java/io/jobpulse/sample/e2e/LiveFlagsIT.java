package io.jobpulse.sample.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The flags on jobs that still live (DESIGN.md, job states and flags), each raised by the sample
 * app's worker that really gets into that state: STALLED (a connection leak: WAITING; a lock held
 * for ever: BLOCKED), STUCK (a run that overruns while it moves), DUPLICATE (the same payroll
 * period run twice at once), PENDING then PENDING_TOO_LONG (exports queued behind a long one).
 * One collector for the class: the limits are per job name, so the workers do not meet.
 */
class LiveFlagsIT {

  private static final Duration LIMIT = Duration.ofSeconds(2);
  /** The limit, heartbeats and the detector's period on a noisy machine: a bound, not a speed. */
  private static final Duration FLAGGED = Duration.ofSeconds(30);
  /** The frame the reason names: {@code Class.method(File.java:42)} or {@code (Native Method)}. */
  private static final Pattern FRAME = Pattern.compile("[\\w$.]+\\.[\\w$<>]+\\([^)]*\\)");

  @RegisterExtension static final ChildProcesses children = new ChildProcesses();
  @TempDir static Path dataDir;
  private static CollectorProcess collector;
  private static JobPulseApi api;

  @BeforeAll
  static void startCollector() throws IOException {
    Path config = dataDir.resolve("collector.yaml");
    Files.writeString(
        config,
        String.join("\n",
            "job-limits:",
            rule(SampleJobs.STATEMENTS, "maxRuntime"),
            rule(SampleJobs.INVOICE_EXPORT, "stallTimeout"),
            rule(SampleJobs.LEDGER_POSTING, "stallTimeout"),
            rule(SampleJobs.EXPORT_TASK, "queueTimeout"),
            ""));
    collector = children.startCollector(dataDir.resolve("store"), "--config", config.toString());
    api = collector.api();
  }

  private static String rule(String jobName, String limit) {
    return "  - {match: \"" + jobName + "\", " + limit + ": " + LIMIT.toSeconds() + "s}";
  }

  @Test
  void batchWaitingForeverForAPooledConnectionIsStalledWithTheThreadStateAndFrame() {
    children.app().withAgent(collector)
        .args("stall", "--invoices", "100", "--pool", "5", "--delay-ms", "20", "--batch-id", "invoices-7")
        .start();

    JsonNode job = api.awaitJob(SampleJobs.INVOICE_EXPORT, "flag STALLED", LiveFlagsIT::stalled, FLAGGED);

    assertEquals("RUNNING", job.path("status").asText(), job::toString);
    assertEquals("invoices-7", job.path("businessId").asText(), job::toString);
    // Five invoices went through before the pool ran dry: where the batch stopped.
    assertEquals(5, job.path("progress").path("done").asLong(), job::toString);
    assertEquals(100, job.path("progress").path("total").asLong(), job::toString);
    String reason = job.path("flag").path("reason").asText();
    assertTrue(reason.contains("WAITING"), () -> "the thread state in the reason: " + job);
    assertTrue(FRAME.matcher(reason).find(), () -> "the frame it waits in, in the reason: " + job);
  }

  @Test
  void postingBlockedOnALedgerAnotherThreadHoldsIsStalledBlockedInTheLedger() {
    children.app().withAgent(collector).args("blocked", "--entries", "10", "--day", "2025-11-30").start();

    JsonNode job = api.awaitJob(SampleJobs.LEDGER_POSTING, "flag STALLED", LiveFlagsIT::stalled, FLAGGED);

    assertEquals("RUNNING", job.path("status").asText(), job::toString);
    assertEquals("2025-11-30", job.path("businessId").asText(), job::toString);
    String reason = job.path("flag").path("reason").asText();
    assertTrue(reason.contains("BLOCKED"), () -> "the thread state in the reason: " + job);
    // A thread blocked on a monitor is stopped in the method that enters it.
    assertTrue(reason.contains("Ledger.post("), () -> "the frame it is blocked in, in the reason: " + job);
  }

  @Test
  void runOverItsMaxRuntimeIsStuckWhileItStillMakesProgress() {
    children.app().withAgent(collector)
        .args("slow", "--accounts", "100000", "--delay-ms", "20", "--run-id", "statements-2025-11")
        .start();

    JsonNode stuck =
        api.awaitJob(SampleJobs.STATEMENTS, "flag STUCK",
            job -> "STUCK".equals(job.path("flag").path("type").asText()), FLAGGED);

    assertEquals("RUNNING", stuck.path("status").asText(), stuck::toString);
    assertEquals("statements-2025-11", stuck.path("businessId").asText(), stuck::toString);
    assertFalse(stuck.path("flag").path("reason").asText().isBlank(), stuck::toString);
    Duration ranWhenFlagged =
        Duration.between(
            Instant.parse(stuck.path("startedAt").asText()),
            Instant.parse(stuck.path("flag").path("flaggedAt").asText()));
    assertTrue(ranWhenFlagged.compareTo(LIMIT) >= 0, () -> "flagged before its max runtime: " + stuck);
    // Still moving: STUCK is about the clock, not about progress.
    long doneWhenFlagged = stuck.path("progress").path("done").asLong();
    JsonNode later =
        api.awaitJob(SampleJobs.STATEMENTS, "more progress after the flag",
            job -> job.path("progress").path("done").asLong() > doneWhenFlagged, FLAGGED);
    assertEquals(stuck.path("id"), later.path("id"), "the same run");
    assertEquals("STUCK", later.path("flag").path("type").asText(), later::toString);
  }

  @Test
  void samePayrollPeriodRunTwiceAtOnceIsDuplicate() {
    children.app().withAgent(collector)
        .args("duplicate", "--employees", "100000", "--delay-ms", "20", "--period", "2025-11")
        .start();

    JsonNode duplicate =
        api.awaitListed(Map.of("name", SampleJobs.PAYROLL), "flag DUPLICATE",
            job -> "DUPLICATE".equals(job.path("flag").path("type").asText()), FLAGGED);

    List<JsonNode> runs =
        api.jobs(Map.of("name", SampleJobs.PAYROLL)).stream()
            .filter(job -> "2025-11".equals(job.path("businessId").asText()))
            .toList();
    assertEquals(2, runs.size(), () -> "two live runs of 2025-11: " + runs);
    runs.forEach(run -> assertEquals("RUNNING", run.path("status").asText(), run::toString));
    JsonNode other =
        runs.stream().filter(run -> !run.path("id").equals(duplicate.path("id"))).findFirst().orElseThrow();
    assertNotEquals("DUPLICATE", other.path("flag").path("type").asText(), () -> "only the newer run is flagged: " + runs);
    assertTrue(
        duplicate.path("flag").path("reason").asText().contains(other.path("id").asText()),
        () -> "the reason names the other run " + other.path("id") + ": " + duplicate);
  }

  @Test
  void exportsQueuedBehindALongOneArePendingThenPendingTooLong() {
    children.app().withAgent(collector).jobs(SampleJobs.JOBS_AND_EXECUTORS)
        .args("queue", "--partners", "3", "--full-ms", "600000", "--each-ms", "100")
        .start();

    JsonNode parent = api.awaitStatus(SampleJobs.NIGHTLY_EXPORT, "RUNNING", FLAGGED);
    Map<String, String> query = Map.of("name", SampleJobs.EXPORT_TASK);
    JsonNode pending =
        api.awaitListed(query, "status PENDING",
            job -> "PENDING".equals(job.path("status").asText()), FLAGGED);
    assertEquals(parent.path("id"), pending.path("parentId"), pending::toString);

    JsonNode tooLong =
        api.awaitListed(query, "status PENDING with flag PENDING_TOO_LONG",
            job -> "PENDING".equals(job.path("status").asText())
                && "PENDING_TOO_LONG".equals(job.path("flag").path("type").asText()),
            FLAGGED);
    assertFalse(tooLong.path("flag").path("reason").asText().isBlank(), tooLong::toString);
    List<JsonNode> tasks = api.jobs(query);
    assertEquals(1, tasks.stream().filter(t -> "RUNNING".equals(t.path("status").asText())).count(),
        () -> "the one export the executor's single thread runs: " + tasks);
    assertEquals(3, api.jobs(Map.of("name", SampleJobs.EXPORT_TASK, "status", "PENDING_TOO_LONG")).size(),
        () -> "the three exports queued behind it: " + tasks);
  }

  private static boolean stalled(JsonNode job) {
    return "STALLED".equals(job.path("flag").path("type").asText());
  }
}
