package io.jobpulse.collector.otlp;

import static io.jobpulse.collector.testing.AgentSpans.integer;
import static io.jobpulse.collector.testing.AgentSpans.string;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jobpulse.collector.state.SpanEvent;
import io.jobpulse.collector.state.WorkerIdentity;
import io.jobpulse.collector.testing.AgentSpans;
import io.jobpulse.collector.testing.AgentSpans.Run;
import io.jobpulse.collector.testing.AgentSpans.Running;
import io.jobpulse.contract.AttributeKeys;
import io.jobpulse.contract.JobOutcome;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.trace.v1.Span;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * What {@link SpanDecoder} reads out of the wire contract, down to the attribute rules a faster
 * reading could change: the last of repeated keys counts, a key without a value is absent, a value
 * of the wrong type rejects its span alone and says why.
 */
class SpanDecoderTest {

  private static final long NOW = 1_700_000_000_000L;
  private final AgentSpans agent = new AgentSpans("decoder-test");

  @Test
  void aRunIsReadWithItsWorkerIdsAndTimes() {
    Run run = Run.create("com.acme.Report#run", NOW - 500);
    DecodedSpans decoded = decode(agent.jobStart(run, NOW), agent.jobEnd(run, NOW, JobOutcome.FAILED, 7,
        "java.net.SocketTimeoutException", "read timed out"));

    assertEquals(0, decoded.rejectedSpans());
    SpanEvent.JobStarted started = assertInstanceOf(SpanEvent.JobStarted.class, decoded.events().get(0));
    assertEquals(new WorkerIdentity(agent.instanceId(), "decoder-test", 4242L, "test-host", "0.1.0-test"),
        started.worker());
    assertEquals(run.id(), started.run().id());
    assertEquals(run.id(), started.jobSpanId());
    assertEquals(run.traceId(), started.traceId());
    assertEquals(NOW - 500, started.startedAt());
    SpanEvent.JobEnded ended = assertInstanceOf(SpanEvent.JobEnded.class, decoded.events().get(1));
    assertEquals(JobOutcome.FAILED, ended.outcome());
    assertEquals(7, ended.run().progressDone());
    assertEquals(1, ended.run().attempt());
    assertNull(ended.run().progressTotal());
    assertEquals("java.net.SocketTimeoutException", ended.error().type());
    assertEquals("timeout", ended.error().category());
    assertEquals(NOW, ended.endedAt());
  }

  @Test
  void theLastOfRepeatedKeysCountsAndAKeyWithoutValueIsAbsent() {
    Run run = Run.create("com.acme.Twice#run", NOW);
    Span span = agent.jobStart(run, NOW,
        integer(AttributeKeys.JOB_ATTEMPT, 3), // after the agent's own attempt 1
        integer(AttributeKeys.PROGRESS_TOTAL, 10),
        integer(AttributeKeys.PROGRESS_TOTAL, 20),
        KeyValue.newBuilder().setKey(AttributeKeys.JOB_NAME).build()); // no value: as if absent

    SpanEvent.JobStarted started = assertInstanceOf(SpanEvent.JobStarted.class, decode(span).events().get(0));
    assertEquals(3, started.run().attempt());
    assertEquals(20L, started.run().progressTotal());
    assertNull(started.run().name());
  }

  @Test
  void numbersAndStringsConvertAsTheContractAllows() {
    Run run = Run.create("com.acme.Convert#run", NOW);
    Span span = agent.jobStart(run, NOW,
        string(AttributeKeys.PROGRESS_TOTAL, " 42 "),
        KeyValue.newBuilder().setKey(AttributeKeys.JOB_QUEUE_WAIT_MS)
            .setValue(AnyValue.newBuilder().setDoubleValue(12.9)).build(),
        integer(AttributeKeys.JOB_BUSINESS_ID, 77));

    SpanEvent.RunAttributes attributes =
        assertInstanceOf(SpanEvent.JobStarted.class, decode(span).events().get(0)).run();
    assertEquals(42L, attributes.progressTotal());
    assertEquals(12L, attributes.queueWaitMs());
    assertEquals("77", attributes.businessId());
  }

  @Test
  void aValueOfTheWrongTypeRejectsItsSpanAloneAndSaysWhy() {
    Run good = Run.create("com.acme.Good#run", NOW);
    Run bad = Run.create("com.acme.Bad#run", NOW);
    DecodedSpans decoded = decode(
        agent.jobStart(bad, NOW, string(AttributeKeys.JOB_ATTEMPT, "the third")),
        agent.jobStart(good, NOW),
        agent.jobStart(Run.create("com.acme.Bool#run", NOW), NOW,
            KeyValue.newBuilder().setKey(AttributeKeys.THREAD_NAME).setValue(AnyValue.newBuilder().setBoolValue(true))
                .build()));

    assertEquals(2, decoded.rejectedSpans());
    assertEquals("span 'jobpulse.job.start' rejected: jobpulse.job.attempt must be an integer", decoded.rejectionReason());
    assertEquals(1, decoded.events().size());
    assertEquals(good.id(), ((SpanEvent.JobStarted) decoded.events().get(0)).run().id());
  }

  @Test
  void aHeartbeatListsItsRunsAndTheirEvents() {
    Run first = Run.create("com.acme.First#run", NOW);
    Run second = Run.create("com.acme.Second#run", NOW);
    Run queued = Run.create("com.acme.Queued#run", NOW);
    Span heartbeat = agent.heartbeat(0, NOW, List.of(
        new Running(first, 5, 10L, "RUNNABLE", true, "com.acme.First.step(First.java:12)"),
        new Running(second, 0, null, "WAITING", false, "java.lang.Object.wait(Native Method)")), List.of(queued));

    SpanEvent.Heartbeat decoded = assertInstanceOf(SpanEvent.Heartbeat.class, decode(heartbeat).events().get(0));
    assertTrue(decoded.intervalMs() > 0, "an interval of 0 means the default");
    assertEquals(List.of(first.id(), second.id()), decoded.activeJobIds());
    assertEquals(List.of(queued.id()), decoded.pendingJobIds());
    assertEquals(new SpanEvent.ActiveRun(first.id(), first.name(), 5, 10L, "worker-1", "RUNNABLE", true,
        "com.acme.First.step(First.java:12)"), decoded.activeRuns().get(0));
    assertEquals(new SpanEvent.ActiveRun(second.id(), second.name(), 0, null, "worker-1", "WAITING", false,
        "java.lang.Object.wait(Native Method)"),
        decoded.activeRuns().get(1));
    assertNull(decoded.droppedRuns());
  }

  @Test
  void aResourceWithoutIdentityRejectsOnlyItsJobPulseSpans() {
    Span foreign = Span.newBuilder().setName("GET /orders").build();
    Span start = agent.jobStart(Run.create("com.acme.Nobody#run", NOW), NOW);
    ExportTraceServiceRequest.Builder request = agent.request(foreign, start).toBuilder();
    request.getResourceSpansBuilder(0).getResourceBuilder().removeAttributes(1); // service.instance.id

    DecodedSpans decoded = SpanDecoder.decode(request.build());
    assertEquals(1, decoded.rejectedSpans());
    assertEquals("span 'jobpulse.job.start' rejected: its resource has no service.instance.id",
        decoded.rejectionReason());
    assertTrue(decoded.events().isEmpty());
  }

  @Test
  void requestsDecodedOnOneThreadShareTheirNamesAndWorkerIds() {
    // Each request is parsed anew, so its strings are new copies; runs in progress keep them.
    SpanEvent.JobStarted first = assertInstanceOf(SpanEvent.JobStarted.class,
        decode(agent.jobStart(Run.create("com.acme.Report#run", NOW), NOW)).events().get(0));
    SpanEvent.JobStarted second = assertInstanceOf(SpanEvent.JobStarted.class,
        decode(agent.jobStart(Run.create("com.acme.Report#run", NOW), NOW)).events().get(0));

    assertSame(first.run().name(), second.run().name());
    assertSame(first.worker().instanceId(), second.worker().instanceId());
    assertSame(first.worker().service(), second.worker().service());
    assertNotSame(first.run().id(), second.run().id());
  }

  private DecodedSpans decode(Span... spans) {
    return SpanDecoder.decode(agent.request(spans));
  }
}
