package io.jobpulse.benchmarks.otlp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jobpulse.contract.AttributeKeys;
import io.jobpulse.contract.JobOutcome;
import io.jobpulse.contract.SpanNames;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.trace.v1.ResourceSpans;
import io.opentelemetry.proto.trace.v1.Span;
import io.opentelemetry.proto.trace.v1.Status;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** The load generators send what the wire contract (otel-config/README.md) says an agent sends. */
class SimulatedWorkerTest {

  private static final long NOW = 1_700_000_000_000_000_000L;

  @Test
  void buildsAValidRequestThatRoundTripsThroughProtobuf() throws Exception {
    SimulatedWorker worker = new SimulatedWorker("svc", 42, 5000);
    List<Span> spans = new ArrayList<>();
    worker.startJobs(3, NOW, spans);
    worker.heartbeat(NOW, spans);
    worker.endJobs(1, NOW, 1.0, spans);

    ExportTraceServiceRequest request = TraceRequests.request(List.of(worker.resourceSpans(spans)));
    ExportTraceServiceRequest parsed = ExportTraceServiceRequest.parseFrom(request.toByteArray());

    assertEquals(request, parsed);
    assertEquals(5, TraceRequests.spanCount(parsed));
    ResourceSpans rs = parsed.getResourceSpans(0);
    Map<String, AnyValue> resource = attributes(rs.getResource().getAttributesList());
    assertEquals("svc", resource.get(AttributeKeys.SERVICE_NAME).getStringValue());
    assertEquals(worker.instanceId(), resource.get(AttributeKeys.SERVICE_INSTANCE_ID).getStringValue());
    assertTrue(resource.get(AttributeKeys.PROCESS_PID).hasIntValue());
    assertEquals(SpanNames.INSTRUMENTATION_SCOPE, rs.getScopeSpans(0).getScope().getName());
  }

  @Test
  void jobStartIsAChildOfTheOpenJobSpanWhoseIdIsTheRunId() {
    SimulatedWorker worker = new SimulatedWorker("svc", 1, 5000);
    List<Span> spans = new ArrayList<>();
    worker.startJobs(1, NOW, spans);
    worker.endJobs(1, NOW + 1, 0.0, spans);

    Span start = spans.get(0);
    Span end = spans.get(1);
    assertEquals(SpanNames.JOB_START, start.getName());
    assertEquals(SpanNames.JOB, end.getName());
    assertEquals(end.getTraceId(), start.getTraceId());
    assertEquals(end.getSpanId(), start.getParentSpanId());
    assertNotEquals(end.getSpanId(), start.getSpanId());
    String id = attributes(end.getAttributesList()).get(AttributeKeys.JOB_ID).getStringValue();
    assertTrue(id.matches("[0-9a-f]{28}"), id);
    assertEquals(String.format("%012x", end.getStartTimeUnixNano() / 1_000_000), id.substring(0, 12), "the run's start, as the agent's ids");
    assertEquals(hex(end.getSpanId().toByteArray()), id.substring(12));
    assertEquals(id, attributes(start.getAttributesList()).get(AttributeKeys.JOB_ID).getStringValue());
    assertEquals(JobOutcome.COMPLETED.wireValue(),
        attributes(end.getAttributesList()).get(AttributeKeys.JOB_OUTCOME).getStringValue());
    assertEquals(start.getStartTimeUnixNano(), end.getStartTimeUnixNano());
  }

  @Test
  void failedRunHasErrorStatusAndAnExceptionEvent() {
    SimulatedWorker worker = new SimulatedWorker("svc", 7, 5000);
    List<Span> spans = new ArrayList<>();
    worker.finishedJobs(1, NOW, 1.0, spans);

    Span end = spans.get(1);
    assertEquals(Status.StatusCode.STATUS_CODE_ERROR, end.getStatus().getCode());
    assertEquals(JobOutcome.FAILED.wireValue(),
        attributes(end.getAttributesList()).get(AttributeKeys.JOB_OUTCOME).getStringValue());
    Span.Event exception = end.getEvents(0);
    assertEquals(SpanNames.EVENT_EXCEPTION, exception.getName());
    assertTrue(attributes(exception.getAttributesList()).containsKey(AttributeKeys.EXCEPTION_TYPE));
  }

  @Test
  void heartbeatListsEveryActiveRunOnceWithItsEvent() {
    SimulatedWorker worker = new SimulatedWorker("svc", 3, 2000);
    List<Span> spans = new ArrayList<>();
    worker.startJobs(4, NOW, spans);
    worker.endJobs(1, NOW, 0.0, spans);
    spans.clear();
    worker.heartbeat(NOW, spans);

    Span heartbeat = spans.get(0);
    Map<String, AnyValue> attrs = attributes(heartbeat.getAttributesList());
    assertEquals(SpanNames.WORKER_HEARTBEAT, heartbeat.getName());
    assertEquals(2000, attrs.get(AttributeKeys.HEARTBEAT_INTERVAL_MS).getIntValue());
    List<String> listed = attrs.get(AttributeKeys.HEARTBEAT_ACTIVE_JOBS).getArrayValue().getValuesList().stream()
        .map(AnyValue::getStringValue).collect(Collectors.toList());
    assertEquals(worker.activeJobIds(), listed);
    assertEquals(3, heartbeat.getEventsCount());
    Set<String> eventIds = new HashSet<>();
    for (Span.Event event : heartbeat.getEventsList()) {
      assertEquals(SpanNames.EVENT_JOB_ACTIVE, event.getName());
      Map<String, AnyValue> e = attributes(event.getAttributesList());
      eventIds.add(e.get(AttributeKeys.JOB_ID).getStringValue());
      assertTrue(e.get(AttributeKeys.STACK_MOVED).hasBoolValue());
      assertTrue(e.get(AttributeKeys.PROGRESS_DONE).getIntValue() <= e.get(AttributeKeys.PROGRESS_TOTAL).getIntValue());
    }
    assertEquals(new HashSet<>(listed), eventIds);
  }

  private static Map<String, AnyValue> attributes(List<KeyValue> list) {
    return list.stream().collect(Collectors.toMap(KeyValue::getKey, KeyValue::getValue));
  }

  private static String hex(byte[] bytes) {
    StringBuilder s = new StringBuilder();
    for (byte b : bytes) {
      s.append(String.format("%02x", b));
    }
    return s.toString();
  }
}
