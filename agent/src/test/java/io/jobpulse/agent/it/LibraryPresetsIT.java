package io.jobpulse.agent.it;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jobpulse.contract.AttributeKeys;
import io.jobpulse.contract.SpanNames;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The presets of {@code preset:auto} against the real libraries they name (Spring, db-scheduler,
 * JobRunr), each app on a child JVM with the shaded agent and no {@code jobpulse.jobs} at all.
 */
class LibraryPresetsIT {

  private static final Duration WAIT = Duration.ofSeconds(60);
  private static final String SPRING_APP = "io.jobpulse.testapp.spring.SpringApp";
  private static final String DB_SCHEDULER_APP = "io.jobpulse.testapp.dbscheduler.DbSchedulerApp";
  private static final String JOBRUNR_APP = "io.jobpulse.testapp.jobrunr.JobRunrApp";

  private static final Class<?>[] SPRING = {
    org.springframework.context.ApplicationContext.class,
    org.springframework.beans.factory.BeanFactory.class,
    org.springframework.core.SpringVersion.class,
    org.springframework.aop.Advisor.class,
    org.springframework.expression.ExpressionParser.class,
    org.apache.commons.logging.LogFactory.class,
    io.micrometer.observation.ObservationRegistry.class,
    io.micrometer.common.KeyValue.class,
  };
  private static final Class<?>[] DB_SCHEDULER = {
    com.github.kagkarlsson.scheduler.Scheduler.class, org.h2.Driver.class, org.slf4j.LoggerFactory.class,
  };
  private static final Class<?>[] JOBRUNR = {
    org.jobrunr.configuration.JobRunr.class,
    org.slf4j.LoggerFactory.class,
    org.objectweb.asm.ClassReader.class,
    com.fasterxml.jackson.databind.ObjectMapper.class,
    com.fasterxml.jackson.core.JsonFactory.class,
    com.fasterxml.jackson.annotation.JsonAutoDetect.class,
    com.fasterxml.jackson.datatype.jsr310.JavaTimeModule.class,
  };

  static List<String> javas() {
    return ChildJvm.javas().collect(java.util.stream.Collectors.toList());
  }

  private static String agentArguments(OtlpReceiver receiver) {
    return "collector.endpoint=" + receiver.endpoint() + ",lease.endpoint=none,report.short-runs=span";
  }

  private static ReceivedSpan awaitJob(OtlpReceiver receiver, String spanName, Predicate<ReceivedSpan> filter) {
    return await().atMost(WAIT)
        .until(() -> receiver.spans(spanName).stream().filter(filter).findFirst(), Optional::isPresent)
        .get();
  }

  private static Predicate<ReceivedSpan> named(String jobName) {
    return s -> jobName.equals(s.attr(AttributeKeys.JOB_NAME));
  }

  private static String exceptionType(ReceivedSpan span) {
    return span.events.stream()
        .filter(e -> e.name.equals(SpanNames.EVENT_EXCEPTION))
        .map(e -> String.valueOf(e.attributes.get(AttributeKeys.EXCEPTION_TYPE)))
        .findFirst().orElse(null);
  }

  @ParameterizedTest
  @MethodSource("javas")
  void springScheduledMethodsAreJobsNamedClassAndMethod(String java) throws Exception {
    try (OtlpReceiver receiver = new OtlpReceiver();
        ChildJvm child = ChildJvm.start(java, agentArguments(receiver), SPRING_APP, SPRING)) {
      assertEquals(0, child.awaitExit(), child.stderr());
      assertTrue(child.stdout().contains("nightly report built"), child.stdout());
      assertTrue(child.stderr().contains("preset:spring-scheduled applied"), child.stderr());

      ReceivedSpan report = awaitJob(receiver, SpanNames.JOB, named("io.jobpulse.testapp.spring.ScheduledJobs#nightlyReport"));
      assertEquals("completed", report.attr(AttributeKeys.JOB_OUTCOME));
      ReceivedSpan purge = awaitJob(receiver, SpanNames.JOB, named("io.jobpulse.testapp.spring.ScheduledJobs#purgeCache"));
      assertEquals("failed", purge.attr(AttributeKeys.JOB_OUTCOME));
      assertEquals("java.lang.IllegalStateException", exceptionType(purge));
      assertEquals("cache is locked", purge.statusMessage);
    }
  }

  @ParameterizedTest
  @MethodSource("javas")
  void dbSchedulerTasksAreJobsNamedByTheTaskWithTheInstanceAsBusinessId(String java, @TempDir Path dir) throws Exception {
    try (OtlpReceiver receiver = new OtlpReceiver();
        ChildJvm child = ChildJvm.start(java, agentArguments(receiver), DB_SCHEDULER_APP,
            List.of("run", dir.resolve("db").toString()), DB_SCHEDULER)) {
      assertEquals(0, child.awaitExit(), child.stderr());
      assertTrue(child.stdout().contains("invoice order-42 sent"), child.stdout());
      assertTrue(child.stderr().contains("preset:db-scheduler applied (com.github.kagkarlsson:db-scheduler 16."), child.stderr());

      ReceivedSpan invoice = awaitJob(receiver, SpanNames.JOB, named("send-invoice"));
      assertEquals("order-42", invoice.attr(AttributeKeys.JOB_BUSINESS_ID));
      assertEquals("1", invoice.attr(AttributeKeys.JOB_ATTEMPT));
      assertEquals("completed", invoice.attr(AttributeKeys.JOB_OUTCOME));
      ReceivedSpan charge = awaitJob(receiver, SpanNames.JOB, named("charge-card"));
      assertEquals("order-43", charge.attr(AttributeKeys.JOB_BUSINESS_ID));
      assertEquals("failed", charge.attr(AttributeKeys.JOB_OUTCOME));
      assertEquals("java.lang.IllegalStateException", exceptionType(charge));
      assertEquals("card declined for order-43", charge.statusMessage);
    }
  }

  /** kill -9 while a task runs; a second JVM on the same database revives it as attempt 2. */
  @Test
  void aRunDbSchedulerRevivesAfterAKillIsTheSecondAttemptOfTheSameBusinessId(@TempDir Path dir) throws Exception {
    String java = javas().get(0);
    List<String> database = List.of(dir.resolve("db").toString());
    try (OtlpReceiver receiver = new OtlpReceiver()) {
      String firstWorker;
      try (ChildJvm first = ChildJvm.start(java, agentArguments(receiver), DB_SCHEDULER_APP, prepend("hang", database), DB_SCHEDULER)) {
        first.awaitOutput("rebuilding index-7");
        ReceivedSpan started = awaitJob(receiver, SpanNames.JOB_START, named("rebuild-index"));
        assertEquals("index-7", started.attr(AttributeKeys.JOB_BUSINESS_ID));
        assertEquals("1", started.attr(AttributeKeys.JOB_ATTEMPT));
        firstWorker = String.valueOf(started.resource.get(AttributeKeys.SERVICE_INSTANCE_ID));
        first.kill();
      }
      try (ChildJvm second = ChildJvm.start(java, agentArguments(receiver), DB_SCHEDULER_APP, prepend("revive", database), DB_SCHEDULER)) {
        assertEquals(0, second.awaitExit(), second.stdout() + second.stderr());
        assertTrue(second.stdout().contains("rebuilt index-7"), second.stdout());
        ReceivedSpan revived = awaitJob(receiver, SpanNames.JOB,
            named("rebuild-index").and(s -> "completed".equals(s.attr(AttributeKeys.JOB_OUTCOME))));
        assertEquals("index-7", revived.attr(AttributeKeys.JOB_BUSINESS_ID));
        assertEquals("2", revived.attr(AttributeKeys.JOB_ATTEMPT));
        assertNotEquals(firstWorker, String.valueOf(revived.resource.get(AttributeKeys.SERVICE_INSTANCE_ID)));
      }
    }
  }

  @ParameterizedTest
  @MethodSource("javas")
  void jobRunrJobsAreNamedByJobRunrWithItsJobIdAndProgressBar(String java) throws Exception {
    try (OtlpReceiver receiver = new OtlpReceiver();
        ChildJvm child = ChildJvm.start(java, agentArguments(receiver), JOBRUNR_APP, JOBRUNR)) {
      assertEquals(0, child.awaitExit(), child.stderr());
      assertTrue(child.stdout().contains("built r-1"), child.stdout());
      assertTrue(child.stderr().contains("preset:jobrunr applied (org.jobrunr:jobrunr "), child.stderr());

      ReceivedSpan build = awaitJob(receiver, SpanNames.JOB, named("Build report r-1"));
      assertEquals("completed", build.attr(AttributeKeys.JOB_OUTCOME));
      assertUuid(build.attr(AttributeKeys.JOB_BUSINESS_ID));
      assertEquals("1", build.attr(AttributeKeys.JOB_ATTEMPT));

      // No display name: JobRunr names the job by its signature.
      ReceivedSpan index = awaitJob(receiver, SpanNames.JOB,
          s -> String.valueOf(s.attr(AttributeKeys.JOB_NAME)).startsWith("io.jobpulse.testapp.jobrunr.ReportJobs.index("));
      assertEquals("3", index.attr(AttributeKeys.PROGRESS_TOTAL));
      assertEquals("3", index.attr(AttributeKeys.PROGRESS_DONE));
      assertUuid(index.attr(AttributeKeys.JOB_BUSINESS_ID));

      // The job's own exception, as JobRunr reports it, not the reflective call's wrapper.
      ReceivedSpan export = awaitJob(receiver, SpanNames.JOB, named("Export r-2"));
      assertEquals("failed", export.attr(AttributeKeys.JOB_OUTCOME));
      assertEquals("java.lang.IllegalStateException", exceptionType(export));
      assertEquals("export target is full", export.statusMessage);
    }
  }

  /** The application cannot tell: it prints the same with the agent, with the agent off, and without it. */
  @Test
  void theAppsPrintTheSameWithTheAgentDisabledAndWithoutIt(@TempDir Path dir) throws Exception {
    String java = javas().get(0);
    try (OtlpReceiver receiver = new OtlpReceiver()) {
      String[] modes = {agentArguments(receiver), "enabled=false", null};
      List<String> spring = new ArrayList<>();
      List<String> dbScheduler = new ArrayList<>();
      List<String> jobRunr = new ArrayList<>();
      for (int i = 0; i < modes.length; i++) {
        spring.add(output(ChildJvm.start(java, modes[i], SPRING_APP, SPRING)));
        Path database = Files.createDirectories(dir.resolve("run" + i)).resolve("db");
        dbScheduler.add(output(ChildJvm.start(java, modes[i], DB_SCHEDULER_APP, List.of("run", database.toString()), DB_SCHEDULER)));
        jobRunr.add(output(ChildJvm.start(java, modes[i], JOBRUNR_APP, JOBRUNR)));
      }
      for (List<String> outputs : List.of(spring, dbScheduler, jobRunr)) {
        assertTrue(!outputs.get(0).isBlank(), "the app printed nothing");
        assertEquals(outputs.get(2), outputs.get(1), "agent disabled vs. no agent");
        assertEquals(outputs.get(2), outputs.get(0), "agent on vs. no agent");
      }
    }
  }

  private static String output(ChildJvm child) throws Exception {
    try (child) {
      assertEquals(0, child.awaitExit(), child.stderr());
      return child.stdout();
    }
  }

  private static void assertUuid(String id) {
    assertTrue(id != null && id.matches("[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}"), "not a JobRunr job id: " + id);
  }

  private static List<String> prepend(String first, List<String> rest) {
    List<String> all = new ArrayList<>();
    all.add(first);
    all.addAll(rest);
    return all;
  }
}
