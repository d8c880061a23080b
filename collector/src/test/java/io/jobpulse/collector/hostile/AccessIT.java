package io.jobpulse.collector.hostile;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jobpulse.collector.testing.AgentSpans;
import io.jobpulse.collector.testing.AgentSpans.Run;
import io.jobpulse.collector.testing.CollectorProcess;
import io.jobpulse.collector.testing.TestHttp;
import java.io.IOException;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The jar as operators run it: the ingest token from JOBPULSE_INGEST_TOKEN never appears in what
 * the collector prints, whatever is sent to it; {@code --bind 127.0.0.1} (or JOBPULSE_BIND) keeps
 * all three ports off the other interfaces.
 */
class AccessIT {

  private static final String TOKEN = "tok-5b1e0c7d-never-logged";
  private static final String WRONG_TOKEN = "tok-wrong-presented-9a8b";

  @TempDir Path dir;
  private final TestHttp http = new TestHttp();
  private final AgentSpans agent = new AgentSpans("access");

  @Test
  void theIngestTokenNeverAppearsInTheOutput() throws Exception {
    Path log = dir.resolve("collector.log");
    try (CollectorProcess collector = CollectorProcess.start(dir.resolve("data"), log,
        Map.of("JOBPULSE_INGEST_TOKEN", TOKEN), "--bind", "127.0.0.1")) {
      Run run = Run.create("com.acme.Access#run", System.currentTimeMillis());
      byte[] body = agent.request(agent.jobStart(run, System.currentTimeMillis())).toByteArray();
      String otlp = TestHttp.otlp(collector.otlpPort());
      assertEquals(401, http.post(otlp, TestHttp.PROTOBUF, body).statusCode());
      assertEquals(401, http.post(otlp, TestHttp.PROTOBUF, body, "Authorization", "Bearer " + WRONG_TOKEN).statusCode());
      assertEquals(200, http.post(otlp, TestHttp.PROTOBUF, body, "Authorization", "Bearer " + TOKEN).statusCode());
      // Things that make a collector talk: refusals, malformed requests, a request failing on the API.
      assertEquals(400, http.post(otlp, TestHttp.PROTOBUF, new byte[] {0x0F, 1, 2}, "Authorization", "Bearer " + TOKEN)
          .statusCode());
      RawHttp.exchange(collector.otlpPort(), "GET /v1/traces%ZZ HTTP/1.1\r\nAuthorization: Bearer " + WRONG_TOKEN + "\r\n\r\n");
      http.post(collector.api("/api/jobs/reset-stuck?olderThan=1h"), null, new byte[0], "Authorization", "Bearer " + WRONG_TOKEN);
      assertEquals("RUNNING", http.getJson(collector.api("/api/jobs/" + run.id())).path("status").asText());
      collector.stop();
    }
    String output = Files.readString(log);
    assertTrue(output.contains("JobPulse collector started"), output);
    assertFalse(output.contains(TOKEN), "the ingest token was printed:\n" + output);
    assertFalse(output.contains(WRONG_TOKEN), "a presented token was printed:\n" + output);
  }

  @Test
  void bindKeepsEveryPortOnTheChosenInterface() throws Exception {
    InetAddress other = nonLoopbackAddress().orElse(null);
    org.junit.jupiter.api.Assumptions.assumeTrue(other != null, "this machine has no non-loopback IPv4 address");
    for (Map<String, String> environment : List.of(Map.<String, String>of(), Map.of("JOBPULSE_BIND", "127.0.0.1"))) {
      String[] args = environment.isEmpty() ? new String[] {"--bind", "127.0.0.1"} : new String[0];
      try (CollectorProcess collector = CollectorProcess.start(dir.resolve("data"), dir.resolve("bind-" + environment.size() + ".log"),
          environment, args)) {
        for (int port : new int[] {collector.otlpPort(), collector.otlpGrpcPort(), collector.httpPort()}) {
          connect(InetAddress.getLoopbackAddress(), port); // listening here
          assertThrows(IOException.class, () -> connect(other, port), "port " + port + " answers on " + other);
        }
        collector.stop();
      }
    }
    // Without --bind every interface is served (the default), which is what makes the test above meaningful.
    try (CollectorProcess collector = CollectorProcess.start(dir.resolve("data"), dir.resolve("all.log"), Map.of())) {
      connect(other, collector.httpPort());
      connect(other, collector.otlpGrpcPort());
      collector.stop();
    }
  }

  private static void connect(InetAddress address, int port) throws IOException {
    try (Socket socket = new Socket()) {
      socket.connect(new InetSocketAddress(address, port), 3_000);
    }
  }

  private static Optional<InetAddress> nonLoopbackAddress() throws IOException {
    return NetworkInterface.networkInterfaces()
        .filter(nic -> {
          try {
            return nic.isUp() && !nic.isLoopback();
          } catch (IOException e) {
            return false;
          }
        })
        .flatMap(NetworkInterface::inetAddresses)
        .filter(address -> address instanceof Inet4Address)
        .findFirst();
  }
}
