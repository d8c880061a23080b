package io.jobpulse.collector.forward;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import io.grpc.ManagedChannel;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.jobpulse.collector.otlp.AcceptedSpans;
import io.jobpulse.collector.testing.AgentSpans;
import io.jobpulse.collector.testing.AgentSpans.Active;
import io.jobpulse.collector.testing.AgentSpans.Run;
import io.jobpulse.collector.testing.OtlpSink;
import io.jobpulse.collector.testing.RunningCollector;
import io.jobpulse.collector.testing.TestHttp;
import io.jobpulse.contract.AttributeKeys;
import io.jobpulse.contract.JobOutcome;
import io.jobpulse.contract.SpanNames;
import io.opentelemetry.proto.collector.trace.v1.TraceServiceGrpc;
import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.trace.v1.Span;
import io.opentelemetry.proto.trace.v1.Status;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A real collector forwarding to a real downstream OTLP receiver: what it received arrives as it
 * was sent, and a run it flags arrives ended, under the agent's own trace and span id.
 */
class ForwardingTest {

  private static final Duration WAIT = Duration.ofSeconds(30);
  private static final HexFormat HEX = HexFormat.of();

  @TempDir Path dir;
  private final OtlpSink sink = new OtlpSink();
  private final TestHttp http = new TestHttp();
  private final AgentSpans agent = new AgentSpans("billing");

  @AfterEach
  void closeSink() {
    sink.close();
  }

  @Test
  void receivedSpansArriveAsReceivedAndHeartbeatsStayHomeByDefault() {
    try (RunningCollector collector = forwardingCollector(forward -> forward.header("x-api-key", "secret-1"))) {
      long now = System.currentTimeMillis();
      Run run = Run.create("com.acme.Billing#run", now - 1_000);
      Run queued = Run.create("com.acme.Billing#run", now - 500);
      Span start = agent.jobStart(run, now - 900);
      Span pending = agent.jobStart(queued, now - 400).toBuilder().setName(SpanNames.JOB_PENDING).build();
      Span end = agent.jobEnd(run, now, JobOutcome.FAILED, 3, "java.io.IOException", "disk gone");
      Span stop = agent.workerStop(now + 1);
      // Not JobPulse's: whatever else a sender puts in a request is forwarded as well.
      Span foreign = Span.newBuilder().setTraceId(start.getTraceId())
          .setSpanId(ByteString.fromHex(AgentSpans.newSpanId())).setParentSpanId(start.getSpanId())
          .setName("SELECT invoices").setKind(Span.SpanKind.SPAN_KIND_CLIENT)
          .setStartTimeUnixNano(TimeUnit.MILLISECONDS.toNanos(now - 800))
          .setEndTimeUnixNano(TimeUnit.MILLISECONDS.toNanos(now - 700))
          .addAttributes(AgentSpans.string("db.system", "postgresql")).build();
      // The heartbeat goes first: once everything sent after it has arrived, a forwarded
      // heartbeat would have had every chance to arrive too. Separate requests may leave in any
      // order (their acknowledgements complete independently), so spans are matched by name.
      http.export(collector.otlpPort(), agent.request(agent.heartbeat(5_000, now - 950, new Active(run, 1, 10L, "RUNNABLE")), start));
      http.export(collector.otlpPort(), agent.request(pending));
      http.export(collector.otlpPort(), agent.request(end));
      http.export(collector.otlpPort(), agent.request(stop, foreign));

      List<Span> sent = List.of(start, pending, end, stop, foreign);
      // Plus one the collector adds: the goodbye abandoned the queued run, which never ended.
      await().atMost(WAIT).until(() -> sink.spans().size() >= sent.size() + 1);
      Map<Boolean, List<OtlpSink.Received>> synthesized = sink.spans().stream()
          .collect(Collectors.partitioningBy(r -> attributes(r.span().getAttributesList()).containsKey(AttributeKeys.FLAG_TYPE)));
      assertEquals(List.of(queued.id()), synthesized.get(true).stream()
          .map(r -> HEX.formatHex(r.span().getSpanId().toByteArray())).toList());
      List<OtlpSink.Received> forwarded = synthesized.get(false);
      assertEquals(sent.stream().map(Span::getName).sorted().toList(),
          forwarded.stream().map(r -> r.span().getName()).sorted().toList());
      for (Span span : sent) {
        OtlpSink.Received received = forwarded.stream().filter(r -> r.span().getName().equals(span.getName())).findFirst().orElseThrow();
        assertEquals(OtlpEquivalence.normalize(span), OtlpEquivalence.normalize(received.span()));
        assertEquals(attributes(agent.resourceSpans().getResource().getAttributesList()),
            attributes(received.resource().getAttributesList()));
        assertEquals(SpanNames.INSTRUMENTATION_SCOPE, received.scope().getName());
        assertEquals(List.of("secret-1"), received.headers().get("x-api-key"));
      }
    }
  }

  @Test
  void aCrashedRunsEndArrivesUnderTheAgentsTraceAndSpanId() {
    try (RunningCollector collector = forwardingCollector(UnaryOperator.identity(), 1)) {
      long now = System.currentTimeMillis();
      Run run = Run.create("com.acme.Import#run", now - 2_000);
      http.export(collector.otlpPort(), agent.request(agent.jobStart(run, now - 1_900,
          AgentSpans.string(AttributeKeys.JOB_BUSINESS_ID, "order-17")),
          agent.heartbeat(200, now, new Active(run, 5, 20L, "RUNNABLE"))));
      // ...and then the worker falls silent: one missed 200 ms heartbeat and it is dead.

      await().atMost(WAIT).until(() -> !sink.spansNamed(SpanNames.JOB).isEmpty());
      OtlpSink.Received received = sink.spansNamed(SpanNames.JOB).get(0);
      Span span = received.span();
      assertEquals(run.traceId(), HEX.formatHex(span.getTraceId().toByteArray()));
      assertEquals(run.id(), HEX.formatHex(span.getSpanId().toByteArray()));
      assertEquals(Status.StatusCode.STATUS_CODE_ERROR, span.getStatus().getCode());
      Map<String, AnyValue> attributes = attributes(span.getAttributesList());
      assertEquals("CRASHED", attributes.get(AttributeKeys.FLAG_TYPE).getStringValue());
      String reason = attributes.get(AttributeKeys.FLAG_REASON).getStringValue();
      assertTrue(reason.contains("heartbeat"), reason);
      assertEquals(reason, span.getStatus().getMessage());
      assertEquals(run.id(), attributes.get(AttributeKeys.JOB_ID).getStringValue());
      assertEquals(run.name(), attributes.get(AttributeKeys.JOB_NAME).getStringValue());
      assertEquals("order-17", attributes.get(AttributeKeys.JOB_BUSINESS_ID).getStringValue());
      assertEquals(1, attributes.get(AttributeKeys.JOB_ATTEMPT).getIntValue());
      assertEquals(TimeUnit.MILLISECONDS.toNanos(run.startedAtMillis()), span.getStartTimeUnixNano());
      assertTrue(span.getEndTimeUnixNano() > TimeUnit.MILLISECONDS.toNanos(now), "ends at the flag, after the last heartbeat");
      // The original resource, as the agent sent it.
      assertEquals(attributes(agent.resourceSpans().getResource().getAttributesList()),
          attributes(received.resource().getAttributesList()));
      assertEquals("CRASHED", http.getJson(collector.api("/api/jobs/" + run.id())).path("status").asText());
      assertTrue(sink.spansNamed(SpanNames.WORKER_HEARTBEAT).isEmpty(), "heartbeats are not forwarded by default");
      assertEquals(1, sink.spansNamed(SpanNames.JOB).size());
    }
  }

  @Test
  void aLostRunsEndArrivesWhileItsWorkerLivesOn() {
    try (RunningCollector collector = forwardingCollector(UnaryOperator.identity())) {
      long now = System.currentTimeMillis();
      Run run = Run.create("com.acme.Import#run", now - 1_000);
      http.export(collector.otlpPort(), agent.request(agent.jobStart(run, now - 900),
          agent.heartbeat(1_000, now, new Active(run, 5, null, "RUNNABLE"))));
      // The worker beats on but no longer lists the run, and no end comes.
      await().atMost(WAIT).pollInterval(Duration.ofMillis(300)).until(() -> {
        http.export(collector.otlpPort(), agent.request(agent.heartbeat(1_000, System.currentTimeMillis())));
        return !sink.spansNamed(SpanNames.JOB).isEmpty();
      });
      Span span = sink.spansNamed(SpanNames.JOB).get(0).span();
      assertEquals(run.id(), HEX.formatHex(span.getSpanId().toByteArray()));
      assertEquals(run.traceId(), HEX.formatHex(span.getTraceId().toByteArray()));
      assertEquals("LOST", attributes(span.getAttributesList()).get(AttributeKeys.FLAG_TYPE).getStringValue());
      assertEquals("LOST", http.getJson(collector.api("/api/jobs/" + run.id())).path("status").asText());
    }
  }

  @Test
  void everyAbandonedRunArrivesEndedOnce() {
    AgentSpans other = new AgentSpans("nightly");
    try (RunningCollector collector = forwardingCollector(UnaryOperator.identity())) {
      long now = System.currentTimeMillis();
      Run ownEnd = Run.create("com.acme.Billing#run", now - 1_000);
      Run noEnd = Run.create("com.acme.Billing#run", now - 1_000);
      Run forgotten = Run.create("com.acme.Nightly#run", now - TimeUnit.HOURS.toMillis(2));
      http.export(collector.otlpPort(), agent.request(agent.jobStart(ownEnd, now - 900), agent.jobStart(noEnd, now - 900),
          agent.heartbeat(60_000, now, new Active(ownEnd, 1, null, "RUNNABLE"), new Active(noEnd, 1, null, "RUNNABLE"))));
      http.export(collector.otlpPort(), other.request(other.jobStart(forgotten, forgotten.startedAtMillis() + 100),
          other.heartbeat(60_000, now, new Active(forgotten, 1, null, "WAITING"))));

      // The worker exits: it ends one run itself, the other's end is lost, its goodbye names both.
      http.export(collector.otlpPort(), agent.request(agent.jobEnd(ownEnd, now + 10, JobOutcome.ABANDONED),
          agent.workerStop(now + 11, ownEnd, noEnd)));
      // The other worker's run is long gone; an operator resets it.
      await().atMost(WAIT).until(() -> "ABANDONED".equals(status(collector, noEnd)));
      assertEquals(200, http.post(collector.api("/api/jobs/reset-stuck?olderThan=1h"), null, new byte[0]).statusCode());

      await().during(Duration.ofSeconds(1)).atMost(WAIT).until(() -> sink.spansNamed(SpanNames.JOB).size() == 3);
      Map<String, Span> ends = sink.spansNamed(SpanNames.JOB).stream().map(OtlpSink.Received::span)
          .collect(Collectors.toMap(span -> HEX.formatHex(span.getSpanId().toByteArray()), span -> span));
      assertEquals(Set.of(ownEnd.id(), noEnd.id(), forgotten.id()), ends.keySet(), "one end per run");
      assertEquals(OtlpEquivalence.normalize(agent.jobEnd(ownEnd, now + 10, JobOutcome.ABANDONED)),
          OtlpEquivalence.normalize(ends.get(ownEnd.id())), "the agent's own end, as received");
      assertSynthesizedAbandoned(ends.get(noEnd.id()), noEnd, "exited gracefully");
      assertSynthesizedAbandoned(ends.get(forgotten.id()), forgotten, "reset by operator");
    }
  }

  private static void assertSynthesizedAbandoned(Span span, Run run, String reason) {
    Map<String, AnyValue> attributes = attributes(span.getAttributesList());
    assertEquals(run.traceId(), HEX.formatHex(span.getTraceId().toByteArray()));
    assertEquals(Status.StatusCode.STATUS_CODE_ERROR, span.getStatus().getCode());
    assertEquals("ABANDONED", attributes.get(AttributeKeys.FLAG_TYPE).getStringValue(), span::toString);
    assertTrue(attributes.get(AttributeKeys.FLAG_REASON).getStringValue().contains(reason), span::toString);
    assertEquals(TimeUnit.MILLISECONDS.toNanos(run.startedAtMillis()), span.getStartTimeUnixNano());
  }

  private String status(RunningCollector collector, Run run) {
    return http.getJson(collector.api("/api/jobs/" + run.id())).path("status").asText();
  }

  @Test
  void afterACollectorRestartTheEndCarriesTheResourceTheStateKept() {
    long now = System.currentTimeMillis();
    Run run = Run.create("com.acme.Restart#run", now - 1_000);
    try (RunningCollector collector = forwardingCollector(UnaryOperator.identity(), 1)) {
      // A 3 s interval: the worker normally dies only after the restart, when the forwarder has
      // lost the resource its spans came with and rebuilds it from the stored state.
      http.export(collector.otlpPort(), agent.request(agent.jobStart(run, now - 900),
          agent.heartbeat(3_000, now, new Active(run, 0, null, "RUNNABLE"))));
      await().atMost(WAIT).until(() -> !sink.spansNamed(SpanNames.JOB_START).isEmpty());
    }
    try (RunningCollector restarted = forwardingCollector(UnaryOperator.identity(), 1)) {
      // The worker, silent since, is declared dead once the restart grace has passed.
      await().atMost(WAIT).until(() -> !sink.spansNamed(SpanNames.JOB).isEmpty());
      OtlpSink.Received received = sink.spansNamed(SpanNames.JOB).get(0);
      assertEquals(run.id(), HEX.formatHex(received.span().getSpanId().toByteArray()));
      Map<String, AnyValue> resource = attributes(received.resource().getAttributesList());
      assertEquals(agent.service(), resource.get(AttributeKeys.SERVICE_NAME).getStringValue());
      assertEquals(agent.instanceId(), resource.get(AttributeKeys.SERVICE_INSTANCE_ID).getStringValue());
      assertEquals(4242, resource.get(AttributeKeys.PROCESS_PID).getIntValue());
      assertEquals("test-host", resource.get(AttributeKeys.HOST_NAME).getStringValue());
      assertEquals("0.1.0-test", resource.get(AttributeKeys.AGENT_VERSION).getStringValue());
    }
  }

  @Test
  void heartbeatsAreForwardedWhenAsked() {
    try (RunningCollector collector = forwardingCollector(forward -> forward.heartbeats(true))) {
      long now = System.currentTimeMillis();
      Run run = Run.create("com.acme.Billing#run", now);
      Span heartbeat = agent.heartbeat(5_000, now, new Active(run, 1, null, "WAITING"));
      http.export(collector.otlpPort(), agent.request(heartbeat));

      await().atMost(WAIT).until(() -> !sink.spansNamed(SpanNames.WORKER_HEARTBEAT).isEmpty());
      assertEquals(OtlpEquivalence.normalize(heartbeat), OtlpEquivalence.normalize(sink.spansNamed(SpanNames.WORKER_HEARTBEAT).get(0).span()));
    }
  }

  @Test
  void aRequestWaitingForItsWriteIsKeptOnlyIfItHasSpansToForward() {
    try (SpanForwarder forwarder = SpanForwarder.start(ForwardConfig.builder(sink.baseUrl()).build())) {
      long now = System.currentTimeMillis();
      Run run = Run.create("com.acme.Billing#run", now);
      // Heartbeats stay home by default: a request of them keeps nothing while it waits in the queue.
      assertSame(AcceptedSpans.NOTHING,
          forwarder.whenWritten(agent.request(agent.heartbeat(5_000, now, new Active(run, 1, 10L, "RUNNABLE"))), 1));

      Span start = agent.jobStart(run, now);
      Runnable onceWritten = forwarder.whenWritten(agent.request(start), 1);
      assertTrue(sink.spans().isEmpty(), "nothing leaves before the request is written");
      onceWritten.run();
      await().atMost(WAIT).until(() -> !sink.spans().isEmpty());
      assertEquals(OtlpEquivalence.normalize(start), OtlpEquivalence.normalize(sink.spans().get(0).span()));
    }
  }

  @Test
  void spansReceivedOverGrpcAreForwardedToo() throws Exception {
    try (RunningCollector collector = forwardingCollector(UnaryOperator.identity())) {
      Run run = Run.create("com.acme.Grpc#run", System.currentTimeMillis());
      Span start = agent.jobStart(run, System.currentTimeMillis());
      ManagedChannel channel = NettyChannelBuilder.forAddress("127.0.0.1", collector.otlpGrpcPort()).usePlaintext().build();
      try {
        TraceServiceGrpc.newBlockingStub(channel).withDeadlineAfter(30, TimeUnit.SECONDS).export(agent.request(start));
      } finally {
        channel.shutdownNow().awaitTermination(10, TimeUnit.SECONDS);
      }
      await().atMost(WAIT).until(() -> !sink.spansNamed(SpanNames.JOB_START).isEmpty());
      assertEquals(OtlpEquivalence.normalize(start), OtlpEquivalence.normalize(sink.spansNamed(SpanNames.JOB_START).get(0).span()));
    }
  }

  @Test
  void anEndpointThatRefusesAtFirstGetsTheSpansOnRetry() {
    sink.refuseNext(2);
    try (RunningCollector collector = forwardingCollector(UnaryOperator.identity())) {
      Run run = Run.create("com.acme.Retry#run", System.currentTimeMillis());
      http.export(collector.otlpPort(), agent.request(agent.jobEnd(run, System.currentTimeMillis(), JobOutcome.COMPLETED)));

      await().atMost(WAIT).until(() -> !sink.spansNamed(SpanNames.JOB).isEmpty());
      assertEquals(2, sink.refused());
      SpanForwarder forwarder = collector.collector().forwarder().orElseThrow();
      await().atMost(WAIT).until(() -> forwarder.exportedSpans() == 1);
      assertEquals(0, forwarder.droppedSpans() + forwarder.failedSpans());
    }
  }

  @Test
  void anEndpointThatIsAwayCostsDroppedSpansNeverIngest() throws IOException {
    int closedPort;
    try (ServerSocket socket = new ServerSocket(0)) {
      closedPort = socket.getLocalPort();
    }
    int requests = 50;
    SpanForwarder forwarder;
    try (RunningCollector collector = new RunningCollector(dir, config -> config.forward(
        ForwardConfig.builder("http://127.0.0.1:" + closedPort).queueCapacity(4).build()))) {
      forwarder = collector.collector().forwarder().orElseThrow();
      for (int i = 0; i < requests; i++) {
        Run run = Run.create("com.acme.Away#run", System.currentTimeMillis());
        // Acknowledged every time: the endpoint being away never reaches the senders.
        http.export(collector.otlpPort(), agent.request(agent.jobEnd(run, System.currentTimeMillis(), JobOutcome.COMPLETED)));
      }
      // The first export retries against a refused port for seconds while the queue, 4 spans
      // deep, overflows.
      await().atMost(WAIT).until(() -> forwarder.droppedSpans() > 0);
    }
    // Stopped: whatever had not gone is counted, nothing is lost silently.
    assertEquals(requests, forwarder.droppedSpans() + forwarder.failedSpans());
    assertEquals(0, forwarder.exportedSpans());
  }

  private RunningCollector forwardingCollector(UnaryOperator<ForwardConfig.Builder> forward) {
    return forwardingCollector(forward, 3);
  }

  private RunningCollector forwardingCollector(UnaryOperator<ForwardConfig.Builder> forward, int heartbeatMisses) {
    return new RunningCollector(dir, config -> config.heartbeatMisses(heartbeatMisses)
        .forward(forward.apply(ForwardConfig.builder(sink.baseUrl())).build()));
  }

  private static Map<String, AnyValue> attributes(List<KeyValue> keyValues) {
    return keyValues.stream().collect(Collectors.toMap(KeyValue::getKey, KeyValue::getValue));
  }
}
