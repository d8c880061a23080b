package io.jobpulse.collector.otlp;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.grpc.ManagedChannel;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.jobpulse.collector.testing.AgentSpans;
import io.jobpulse.collector.testing.AgentSpans.Run;
import io.jobpulse.collector.testing.RunningCollector;
import io.jobpulse.collector.testing.TestHttp;
import io.jobpulse.contract.JobOutcome;
import io.jobpulse.contract.SpanNames;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceResponse;
import io.opentelemetry.proto.collector.trace.v1.TraceServiceGrpc;
import io.opentelemetry.proto.trace.v1.Span;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** OTLP/gRPC through a real gRPC client stub, as the OpenTelemetry Collector's exporters send it. */
class OtlpGrpcTest {

  @TempDir Path dir;

  @Test
  void exportThroughGrpcReachesTheSameState() throws Exception {
    AgentSpans agent = new AgentSpans("grpc-test");
    try (RunningCollector collector = new RunningCollector(dir)) {
      ManagedChannel channel = NettyChannelBuilder.forAddress("127.0.0.1", collector.otlpGrpcPort()).usePlaintext().build();
      try {
        TraceServiceGrpc.TraceServiceBlockingStub stub =
            TraceServiceGrpc.newBlockingStub(channel).withDeadlineAfter(30, TimeUnit.SECONDS);
        long now = System.currentTimeMillis();
        Run failed = Run.create("com.acme.Grpc#run", now - 100);
        Run started = Run.create("com.acme.GrpcLong#run", now);
        ExportTraceServiceResponse response = stub.export(agent.request(
            agent.jobEnd(failed, now, JobOutcome.FAILED, 0, "java.sql.SQLException", "deadlock"),
            Span.newBuilder().setName(SpanNames.JOB_START).build()));
        assertEquals(1, response.getPartialSuccess().getRejectedSpans());
        stub.withCompression("gzip").export(agent.request(agent.jobStart(started, now)));

        TestHttp http = new TestHttp();
        var job = http.getJson(collector.api("/api/jobs/" + failed.id()));
        assertEquals("FAILED", job.path("status").asText());
        assertEquals("transient_io", job.path("error").path("category").asText());
        assertEquals("RUNNING", http.getJson(collector.api("/api/jobs/" + started.id())).path("status").asText());
      } finally {
        channel.shutdownNow().awaitTermination(10, TimeUnit.SECONDS);
      }
    }
  }
}
