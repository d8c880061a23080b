package io.jobpulse.collector.hostile;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.stub.MetadataUtils;
import io.jobpulse.collector.testing.AgentSpans;
import io.jobpulse.collector.testing.AgentSpans.Run;
import io.jobpulse.collector.testing.RunningCollector;
import io.jobpulse.collector.testing.TestHttp;
import io.jobpulse.contract.LeaseProtocol;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.proto.collector.trace.v1.TraceServiceGrpc;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** With an ingest token, OTLP over HTTP, gRPC and the lease upgrade need {@code Authorization: Bearer <token>}. */
class IngestTokenTest {

  private static final String TOKEN = "ingest-7f3a9c-secret";

  @TempDir Path dir;
  private final TestHttp http = new TestHttp();
  private final AgentSpans agent = new AgentSpans("token");

  @Test
  void otlpHttpNeedsTheToken() {
    try (RunningCollector collector = new RunningCollector(dir, c -> c.ingestToken(TOKEN))) {
      Run refusedRun = Run.create("com.acme.Refused#run", System.currentTimeMillis());
      byte[] refusedBody = agent.request(agent.jobStart(refusedRun, System.currentTimeMillis())).toByteArray();
      for (String[] headers : new String[][] {{}, {"Authorization", "Bearer wrong-token"},
          {"Authorization", "Bearer " + TOKEN + "x"}, {"Authorization", "Basic " + TOKEN}, {"Authorization", TOKEN},
          {"Authorization", "Bearer"}}) {
        HttpResponse<byte[]> response = http.post(collector.otlpUrl(), TestHttp.PROTOBUF, refusedBody, headers);
        assertEquals(401, response.statusCode(), String.join(" ", headers));
        assertEquals("Bearer", response.headers().firstValue("www-authenticate").orElse(null));
        String body = new String(response.body(), StandardCharsets.UTF_8);
        assertTrue(body.contains("Authorization: Bearer") && !body.contains(TOKEN), body);
      }
      assertEquals(404, http.get(collector.api("/api/jobs/" + refusedRun.id())).statusCode(), "a refused request has no effect");

      Run run = Run.create("com.acme.Allowed#run", System.currentTimeMillis());
      byte[] body = agent.request(agent.jobStart(run, System.currentTimeMillis())).toByteArray();
      assertEquals(200, http.post(collector.otlpUrl(), TestHttp.PROTOBUF, body, "Authorization", "Bearer " + TOKEN).statusCode());
      assertEquals(200, http.post(collector.otlpUrl(), TestHttp.PROTOBUF, body, "Authorization", "bearer  " + TOKEN + " ")
          .statusCode(), "the scheme is case-insensitive");
      assertEquals("RUNNING", http.getJson(collector.api("/api/jobs/" + run.id())).path("status").asText(),
          "the API's reads need no ingest token");
    }
  }

  @Test
  void otlpGrpcNeedsTheToken() throws Exception {
    try (RunningCollector collector = new RunningCollector(dir, c -> c.ingestToken(TOKEN))) {
      ManagedChannel channel = NettyChannelBuilder.forAddress("127.0.0.1", collector.otlpGrpcPort()).usePlaintext().build();
      try {
        TraceServiceGrpc.TraceServiceBlockingStub stub = TraceServiceGrpc.newBlockingStub(channel)
            .withDeadlineAfter(30, TimeUnit.SECONDS);
        Run refused = Run.create("com.acme.GrpcRefused#run", System.currentTimeMillis());
        ExportTraceServiceRequest request = agent.request(agent.jobStart(refused, System.currentTimeMillis()));
        StatusRuntimeException none = assertThrows(StatusRuntimeException.class, () -> stub.export(request));
        assertEquals(Status.Code.UNAUTHENTICATED, none.getStatus().getCode());
        StatusRuntimeException wrong = assertThrows(StatusRuntimeException.class,
            () -> stub.withInterceptors(MetadataUtils.newAttachHeadersInterceptor(bearer("nope"))).export(request));
        assertEquals(Status.Code.UNAUTHENTICATED, wrong.getStatus().getCode());
        assertTrue(!wrong.getStatus().getDescription().contains(TOKEN));
        assertEquals(404, http.get(collector.api("/api/jobs/" + refused.id())).statusCode());

        Run run = Run.create("com.acme.GrpcAllowed#run", System.currentTimeMillis());
        stub.withInterceptors(MetadataUtils.newAttachHeadersInterceptor(bearer(TOKEN)))
            .export(agent.request(agent.jobStart(run, System.currentTimeMillis())));
        assertEquals("RUNNING", http.getJson(collector.api("/api/jobs/" + run.id())).path("status").asText());
      } finally {
        channel.shutdownNow().awaitTermination(10, TimeUnit.SECONDS);
      }
    }
  }

  @Test
  void theLeaseUpgradeNeedsTheToken() {
    try (RunningCollector collector = new RunningCollector(dir, c -> c.ingestToken(TOKEN))) {
      String upgrade = "GET " + LeaseProtocol.PATH + " HTTP/1.1\r\nHost: x\r\nConnection: Upgrade\r\nUpgrade: "
          + LeaseProtocol.UPGRADE_TOKEN + "\r\n" + LeaseProtocol.INSTANCE_ID_HEADER + ": " + agent.instanceId() + "\r\n";
      RawHttp.Response refused = RawHttp.exchange(collector.otlpPort(), upgrade + "Authorization: Bearer wrong\r\n\r\n");
      assertEquals(401, refused.status(), refused.toString());
      assertEquals(401, RawHttp.exchange(collector.otlpPort(), upgrade + "\r\n").status());
      RawHttp.Response accepted = RawHttp.exchange(collector.otlpPort(), upgrade + "Authorization: Bearer " + TOKEN + "\r\n\r\n");
      assertEquals(101, accepted.status(), accepted.toString());
    }
  }

  private static Metadata bearer(String token) {
    Metadata metadata = new Metadata();
    metadata.put(Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER), "Bearer " + token);
    return metadata;
  }
}
