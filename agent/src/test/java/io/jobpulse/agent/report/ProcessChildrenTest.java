package io.jobpulse.agent.report;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jobpulse.agent.config.AgentConfig.ShortRuns;
import io.jobpulse.agent.instrument.Site;
import io.jobpulse.agent.instrument.SiteTable;
import io.jobpulse.agent.process.ChildEnvironment;
import io.jobpulse.agent.process.ProcessParent;
import io.jobpulse.agent.run.JobRun;
import io.jobpulse.agent.run.RunClock;
import io.jobpulse.agent.run.RunRecorder;
import io.jobpulse.contract.AttributeKeys;
import io.jobpulse.contract.ProcessPropagation;
import io.jobpulse.contract.SpanNames;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.SpanId;
import io.opentelemetry.api.trace.TraceId;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Job spans carry the ids their runs drew on their own threads, so that a process a job starts can
 * name it; and the runs of a process started by a job are that job's children.
 */
class ProcessChildrenTest {

  private static final Duration NEVER = Duration.ofHours(1);
  private static final String PARENT_TRACE = "4bf92f3577b34da6a3ce929d0e0e4736";
  private static final String PARENT_SPAN = "00f067aa0ba902b7";
  /** The parent run's id: its start (epoch ms, 12 hex digits), then its span id. */
  private static final String PARENT_JOB = "019af3c2b1a0" + PARENT_SPAN;

  private final InMemorySpanExporter exporter = InMemorySpanExporter.create();
  private final RunIds ids = new RunIds();
  private final SdkTracerProvider provider = SdkTracerProvider.builder().setIdGenerator(ids).addSpanProcessor(SimpleSpanProcessor.create(exporter)).build();
  private final SiteTable sites = new SiteTable();
  private final Site work = sites.register("com.acme.Worker#work", null, null);
  private final Site step = sites.register("com.acme.Worker#step", null, null);
  private final ExportFlags export = new ExportFlags();

  @AfterEach
  void close() {
    provider.shutdown();
  }

  private Reporter reporter(RunRecorder recorder, ProcessParent parent) {
    return new Reporter(recorder, sites, provider.get("test"), ids, parent, NEVER, NEVER, ShortRuns.SPAN, export);
  }

  private List<SpanData> spans(String name) {
    return exporter.getFinishedSpanItems().stream().filter(s -> s.getName().equals(name)).collect(Collectors.toList());
  }

  private static String attr(SpanData span, String key) {
    return span.getAttributes().get(AttributeKey.stringKey(key));
  }

  private SpanData job(String method) {
    return spans(SpanNames.JOB).stream().filter(s -> s.getAttributes().get(AttributeKey.stringKey(AttributeKeys.JOB_NAME)).endsWith(method)).findFirst().get();
  }

  @Test
  void aJobSpanHasTheIdsItsRunDrewOnItsThread() {
    RunRecorder recorder = new RunRecorder(100);
    Reporter reporter = reporter(recorder, null);
    JobRun parent = (JobRun) recorder.enter(work.id(), null);
    JobRun child = (JobRun) recorder.enter(step.id(), null);
    recorder.exit(child, null);
    recorder.exit(parent, null);
    reporter.tick();

    SpanData parentSpan = job("#work");
    SpanData childSpan = job("#step");
    assertEquals(SpanId.fromLong(parent.spanId()), parentSpan.getSpanId());
    assertEquals(TraceId.fromLongs(parent.traceIdHigh(), parent.traceIdLow()), parentSpan.getTraceId());
    assertEquals(SpanId.fromLong(child.spanId()), childSpan.getSpanId());
    // The job ids: the run's start, then its span id; a child names its parent's.
    assertEquals(parent.id(), attr(parentSpan, AttributeKeys.JOB_ID));
    assertEquals(JobIds.of(parentSpan), parent.id());
    assertEquals(child.id(), attr(childSpan, AttributeKeys.JOB_ID));
    assertEquals(parent.id(), attr(childSpan, AttributeKeys.JOB_PARENT_ID));
    assertEquals(parentSpan.getTraceId(), childSpan.getTraceId());
    assertEquals(parentSpan.getSpanId(), childSpan.getParentSpanId());
    // Every other span gets ids of its own.
    SpanData heartbeat = spans(SpanNames.WORKER_HEARTBEAT).get(0);
    assertNotEquals(parentSpan.getTraceId(), heartbeat.getTraceId());
    assertTrue(heartbeat.getSpanContext().isValid());
  }

  @Test
  void inAProcessStartedByAJobRootRunsAreThatJobsChildren() {
    ProcessParent parent = ProcessParent.fromEnvironment(Map.of(
        ProcessPropagation.PARENT_JOB_ID_ENV, PARENT_JOB,
        ProcessPropagation.PARENT_TRACE_ENV, PARENT_TRACE + "-" + PARENT_SPAN));
    RunRecorder recorder = new RunRecorder(100, 10, parent);
    Reporter reporter = reporter(recorder, parent);
    JobRun root = (JobRun) recorder.enter(work.id(), null);
    JobRun nested = (JobRun) recorder.enter(step.id(), null);
    recorder.exit(nested, null);
    recorder.exit(root, null);
    reporter.tick();

    SpanData rootSpan = job("#work");
    assertEquals(PARENT_TRACE, rootSpan.getTraceId());
    assertEquals(PARENT_SPAN, rootSpan.getParentSpanId());
    assertTrue(rootSpan.getParentSpanContext().isRemote());
    assertEquals(PARENT_JOB, rootSpan.getAttributes().get(AttributeKey.stringKey(AttributeKeys.JOB_PARENT_ID)));
    assertEquals(SpanId.fromLong(root.spanId()), rootSpan.getSpanId());
    SpanData nestedSpan = job("#step");
    assertEquals(PARENT_TRACE, nestedSpan.getTraceId());
    assertEquals(root.id(), attr(nestedSpan, AttributeKeys.JOB_PARENT_ID));
    // A grandchild process would name the nested run, in the same trace.
    assertEquals(PARENT_TRACE, TraceId.fromLongs(nested.traceIdHigh(), nested.traceIdLow()));
  }

  @Test
  void aParentJobIdOfTheOlderFormIsAccepted() {
    // Agents before time-ordered ids named the parent run by its span id alone.
    ProcessParent parent = ProcessParent.fromEnvironment(Map.of(
        ProcessPropagation.PARENT_JOB_ID_ENV, PARENT_SPAN,
        ProcessPropagation.PARENT_TRACE_ENV, PARENT_TRACE + "-" + PARENT_SPAN));
    assertEquals(PARENT_SPAN, parent.jobId());
    assertEquals(PARENT_SPAN, parent.spanContext().getSpanId());
  }

  @Test
  void malformedParentVariablesAreIgnored() {
    assertEquals(null, ProcessParent.fromEnvironment(Map.of()));
    for (String[] bad : new String[][] {
        {PARENT_JOB, PARENT_TRACE}, // no span id
        {PARENT_JOB, PARENT_TRACE + "-" + "1111111111111111"}, // not the same span
        {PARENT_SPAN, PARENT_TRACE + "-" + "1111111111111111"}, // older form, not the same span
        {PARENT_JOB, PARENT_TRACE.toUpperCase() + "-" + PARENT_SPAN}, // not lowercase
        {PARENT_JOB.toUpperCase(), PARENT_TRACE + "-" + PARENT_SPAN}, // job id not lowercase
        {"019af3c2b1ag" + PARENT_SPAN, PARENT_TRACE + "-" + PARENT_SPAN}, // not hex
        {PARENT_JOB.substring(1), PARENT_TRACE + "-" + PARENT_SPAN}, // one digit short
        {"0" + PARENT_JOB, PARENT_TRACE + "-" + PARENT_SPAN}, // one digit too many
        {PARENT_SPAN + PARENT_SPAN, PARENT_TRACE + "-" + PARENT_SPAN}, // 32 digits
        {"0000000000000000", PARENT_TRACE + "-0000000000000000"}, // invalid span id
        {"019af3c2b1a00000000000000000", PARENT_TRACE + "-0000000000000000"}, // invalid span id
        {PARENT_JOB, "00000000000000000000000000000000-" + PARENT_SPAN}, // invalid trace id
        {null, PARENT_TRACE + "-" + PARENT_SPAN}}) {
      Map<String, String> environment = new HashMap<>();
      if (bad[0] != null) {
        environment.put(ProcessPropagation.PARENT_JOB_ID_ENV, bad[0]);
      }
      environment.put(ProcessPropagation.PARENT_TRACE_ENV, bad[1]);
      assertEquals(null, ProcessParent.fromEnvironment(environment), String.join(" ", environment.values()));
    }
  }

  @Test
  void aProcessStartedByAJobIsLentItsIdsForTheStartOnly() {
    RunRecorder recorder = new RunRecorder(100);
    JobRun run = (JobRun) recorder.enter(work.id(), null);
    Map<String, String> environment = new HashMap<>(Map.of("PATH", "/bin"));

    ChildEnvironment lent = ChildEnvironment.lend(environment, Map.of(), run);
    String jobId = run.id();
    String spanId = SpanId.fromLong(run.spanId());
    assertEquals(jobId, environment.get(ProcessPropagation.PARENT_JOB_ID_ENV));
    assertEquals(TraceId.fromLongs(run.traceIdHigh(), run.traceIdLow()) + "-" + spanId, environment.get(ProcessPropagation.PARENT_TRACE_ENV));
    ProcessParent seen = ProcessParent.fromEnvironment(environment);
    assertEquals(jobId, seen.jobId());
    assertEquals(spanId, seen.spanContext().getSpanId());
    assertEquals(run.traceIdLow(), seen.traceIdLow());

    lent.restore();
    assertEquals(Map.of("PATH", "/bin"), environment, "the builder is as the application left it");
    recorder.exit(run, null);
  }

  @Test
  void theIdLentToAProcessIsTheIdTheReporterLaterGivesTheRunsSpan() {
    RunRecorder recorder = new RunRecorder(100);
    Reporter reporter = reporter(recorder, null);
    JobRun job = (JobRun) recorder.enter(work.id(), null);
    // Before the reporter has seen the run: the job's own thread computes the id.
    Map<String, String> jobEnvironment = new HashMap<>();
    ChildEnvironment.lend(jobEnvironment, Map.of(), job);

    // A task the job queues, taken by a worker a millisecond or more later: its id is dated by its
    // enqueue, which its thread and the reporter both know, whenever the reporter opens its span.
    Runnable task = () -> { };
    recorder.taskQueued(task);
    long queuedBy = RunClock.epochMillis(System.nanoTime());
    await().atMost(Duration.ofSeconds(10)).until(() -> RunClock.epochMillis(System.nanoTime()) > queuedBy);
    JobRun taskRun = (JobRun) recorder.taskStart(task);
    Map<String, String> taskEnvironment = new HashMap<>();
    ChildEnvironment.lend(taskEnvironment, Map.of(), taskRun);
    recorder.taskEnd(taskRun, task, null);
    recorder.exit(job, null);
    reporter.tick();

    SpanData jobSpan = job("#work");
    assertEquals(attr(jobSpan, AttributeKeys.JOB_ID), jobEnvironment.get(ProcessPropagation.PARENT_JOB_ID_ENV));
    assertEquals(JobIds.of(jobSpan), jobEnvironment.get(ProcessPropagation.PARENT_JOB_ID_ENV));
    SpanData taskSpan = job(Reporter.TASK_SUFFIX);
    String taskId = taskEnvironment.get(ProcessPropagation.PARENT_JOB_ID_ENV);
    assertEquals(attr(taskSpan, AttributeKeys.JOB_ID), taskId);
    assertEquals(attr(jobSpan, AttributeKeys.JOB_ID), attr(taskSpan, AttributeKeys.JOB_PARENT_ID));
    assertTrue(taskId.endsWith(taskSpan.getSpanId()));
    long idMillis = Long.parseLong(taskId.substring(0, 12), 16);
    assertTrue(idMillis <= queuedBy && idMillis < taskSpan.getStartEpochNanos() / 1_000_000, taskId + " dated by its enqueue");
  }

  @Test
  void theApplicationsOwnValuesAreKeptAndInheritedOnesReplaced() {
    RunRecorder recorder = new RunRecorder(100);
    JobRun run = (JobRun) recorder.enter(work.id(), null);
    Map<String, String> inherited = Map.of(
        ProcessPropagation.PARENT_JOB_ID_ENV, PARENT_JOB,
        ProcessPropagation.PARENT_TRACE_ENV, PARENT_TRACE + "-" + PARENT_SPAN);

    Map<String, String> own = new HashMap<>(Map.of(ProcessPropagation.PARENT_JOB_ID_ENV, "mine"));
    assertEquals(null, ChildEnvironment.lend(own, inherited, run));
    assertEquals(Map.of(ProcessPropagation.PARENT_JOB_ID_ENV, "mine"), own);

    Map<String, String> fromParent = new HashMap<>(inherited);
    ChildEnvironment lent = ChildEnvironment.lend(fromParent, inherited, run);
    assertEquals(run.id(), fromParent.get(ProcessPropagation.PARENT_JOB_ID_ENV), "the job that starts it is its parent");
    lent.restore();
    assertEquals(inherited, fromParent);
    recorder.exit(run, null);
  }

  @Test
  void outsideAJobAProcessBuilderIsNotTouched() {
    RunRecorder recorder = new RunRecorder(100);
    ProcessBuilder builder = new ProcessBuilder("true");
    assertEquals(null, recorder.processStarting(builder));
    assertFalse(builder.environment().containsKey(ProcessPropagation.PARENT_JOB_ID_ENV));
  }

  @Test
  void theHeartbeatCountsDroppedSpansAndAgentErrors() {
    RunRecorder recorder = new RunRecorder(100);
    Reporter reporter = reporter(recorder, null);
    export.dropped.set(7);
    reporter.tick();
    SpanData heartbeat = spans(SpanNames.WORKER_HEARTBEAT).get(0);
    assertEquals(7L, heartbeat.getAttributes().get(AttributeKey.longKey(AttributeKeys.HEARTBEAT_DROPPED_SPANS)));
    assertTrue(heartbeat.getAttributes().get(AttributeKey.longKey(AttributeKeys.HEARTBEAT_AGENT_ERRORS)) >= 0);
  }
}
