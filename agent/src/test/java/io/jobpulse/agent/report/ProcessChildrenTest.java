package io.jobpulse.agent.report;

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
  private static final String PARENT_JOB = "00f067aa0ba902b7";

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
        ProcessPropagation.PARENT_TRACE_ENV, PARENT_TRACE + "-" + PARENT_JOB));
    RunRecorder recorder = new RunRecorder(100, 10, parent);
    Reporter reporter = reporter(recorder, parent);
    JobRun root = (JobRun) recorder.enter(work.id(), null);
    JobRun nested = (JobRun) recorder.enter(step.id(), null);
    recorder.exit(nested, null);
    recorder.exit(root, null);
    reporter.tick();

    SpanData rootSpan = job("#work");
    assertEquals(PARENT_TRACE, rootSpan.getTraceId());
    assertEquals(PARENT_JOB, rootSpan.getParentSpanId());
    assertTrue(rootSpan.getParentSpanContext().isRemote());
    assertEquals(PARENT_JOB, rootSpan.getAttributes().get(AttributeKey.stringKey(AttributeKeys.JOB_PARENT_ID)));
    assertEquals(SpanId.fromLong(root.spanId()), rootSpan.getSpanId());
    SpanData nestedSpan = job("#step");
    assertEquals(PARENT_TRACE, nestedSpan.getTraceId());
    assertEquals(rootSpan.getSpanId(), nestedSpan.getAttributes().get(AttributeKey.stringKey(AttributeKeys.JOB_PARENT_ID)));
    // A grandchild process would name the nested run, in the same trace.
    assertEquals(PARENT_TRACE, TraceId.fromLongs(nested.traceIdHigh(), nested.traceIdLow()));
  }

  @Test
  void malformedParentVariablesAreIgnored() {
    assertEquals(null, ProcessParent.fromEnvironment(Map.of()));
    for (String[] bad : new String[][] {
        {PARENT_JOB, PARENT_TRACE}, // no span id
        {PARENT_JOB, PARENT_TRACE + "-" + "1111111111111111"}, // not the same span
        {PARENT_JOB, PARENT_TRACE.toUpperCase() + "-" + PARENT_JOB}, // not lowercase
        {"0000000000000000", PARENT_TRACE + "-0000000000000000"}, // invalid span id
        {PARENT_JOB, "00000000000000000000000000000000-" + PARENT_JOB}, // invalid trace id
        {null, PARENT_TRACE + "-" + PARENT_JOB}}) {
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
    String jobId = SpanId.fromLong(run.spanId());
    assertEquals(jobId, environment.get(ProcessPropagation.PARENT_JOB_ID_ENV));
    assertEquals(TraceId.fromLongs(run.traceIdHigh(), run.traceIdLow()) + "-" + jobId, environment.get(ProcessPropagation.PARENT_TRACE_ENV));
    ProcessParent seen = ProcessParent.fromEnvironment(environment);
    assertEquals(jobId, seen.jobId());
    assertEquals(run.traceIdLow(), seen.traceIdLow());

    lent.restore();
    assertEquals(Map.of("PATH", "/bin"), environment, "the builder is as the application left it");
    recorder.exit(run, null);
  }

  @Test
  void theApplicationsOwnValuesAreKeptAndInheritedOnesReplaced() {
    RunRecorder recorder = new RunRecorder(100);
    JobRun run = (JobRun) recorder.enter(work.id(), null);
    Map<String, String> inherited = Map.of(
        ProcessPropagation.PARENT_JOB_ID_ENV, PARENT_JOB,
        ProcessPropagation.PARENT_TRACE_ENV, PARENT_TRACE + "-" + PARENT_JOB);

    Map<String, String> own = new HashMap<>(Map.of(ProcessPropagation.PARENT_JOB_ID_ENV, "mine"));
    assertEquals(null, ChildEnvironment.lend(own, inherited, run));
    assertEquals(Map.of(ProcessPropagation.PARENT_JOB_ID_ENV, "mine"), own);

    Map<String, String> fromParent = new HashMap<>(inherited);
    ChildEnvironment lent = ChildEnvironment.lend(fromParent, inherited, run);
    assertEquals(SpanId.fromLong(run.spanId()), fromParent.get(ProcessPropagation.PARENT_JOB_ID_ENV), "the job that starts it is its parent");
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
