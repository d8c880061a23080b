package io.jobpulse.collector.hostile;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jobpulse.collector.testing.AgentSpans;
import io.jobpulse.collector.testing.AgentSpans.Run;
import io.jobpulse.collector.testing.RunningCollector;
import io.jobpulse.collector.testing.TestHttp;
import io.opentelemetry.proto.trace.v1.Span;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Beyond its capacity the receiver says "later" instead of queueing without bound: with an ingest
 * queue of one request, concurrent senders get 503 with Retry-After and a reason; once the load
 * stops it accepts again, and everything it acknowledged is stored.
 */
class OverloadTest {

  private static final int SENDERS = 16;
  private static final int RUNS_PER_REQUEST = 200;

  @TempDir Path dir;
  private final TestHttp http = new TestHttp();

  @Test
  void aFullIngestQueueAnswers503WithRetryAfterThenRecovers() throws Exception {
    try (RunningCollector collector = new RunningCollector(dir, c -> c.ingestQueueCapacity(1))) {
      Queue<String> acknowledged = new ConcurrentLinkedQueue<>();
      Queue<HttpResponse<byte[]>> refused = new ConcurrentLinkedQueue<>();
      AtomicBoolean stop = new AtomicBoolean();
      ExecutorService senders = Executors.newFixedThreadPool(SENDERS);
      for (int s = 0; s < SENDERS; s++) {
        senders.execute(() -> {
          HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build(); // its own connection
          AgentSpans agent = new AgentSpans("overload");
          while (!stop.get()) {
            List<Run> runs = new java.util.ArrayList<>();
            Span[] spans = new Span[RUNS_PER_REQUEST];
            for (int i = 0; i < RUNS_PER_REQUEST; i++) {
              Run run = Run.create("com.acme.Overload#run", System.currentTimeMillis());
              runs.add(run);
              spans[i] = agent.jobStart(run, System.currentTimeMillis());
            }
            HttpRequest request = HttpRequest.newBuilder(URI.create(collector.otlpUrl())).timeout(Duration.ofSeconds(30))
                .header("Content-Type", TestHttp.PROTOBUF)
                .POST(HttpRequest.BodyPublishers.ofByteArray(agent.request(spans).toByteArray())).build();
            try {
              HttpResponse<byte[]> response = client.send(request, HttpResponse.BodyHandlers.ofByteArray());
              if (response.statusCode() == 200) {
                runs.forEach(run -> acknowledged.add(run.id()));
              } else {
                refused.add(response);
              }
            } catch (Exception e) {
              refused.add(null); // counted as a failure below: an overloaded receiver must still answer
            }
          }
        });
      }
      try {
        await().atMost(Duration.ofSeconds(120)).until(() -> !refused.isEmpty());
      } finally {
        stop.set(true);
        senders.shutdown();
        assertTrue(senders.awaitTermination(60, TimeUnit.SECONDS));
      }
      for (HttpResponse<byte[]> response : refused) {
        assertTrue(response != null, "a request got no answer under overload");
        assertEquals(503, response.statusCode(), new String(response.body(), StandardCharsets.UTF_8));
        assertEquals("1", response.headers().firstValue("retry-after").orElse(null), "503 without Retry-After");
        assertTrue(new String(response.body(), StandardCharsets.UTF_8).contains("retry later"));
      }
      // Recovery: the same collector accepts again, and nothing it acknowledged was lost.
      AgentSpans agent = new AgentSpans("after-overload");
      Run after = Run.create("com.acme.AfterOverload#run", System.currentTimeMillis());
      await().atMost(Duration.ofSeconds(30)).until(() -> http.post(collector.otlpUrl(), TestHttp.PROTOBUF,
          agent.request(agent.jobStart(after, System.currentTimeMillis())).toByteArray()).statusCode() == 200);
      assertEquals("RUNNING", http.getJson(collector.api("/api/jobs/" + after.id())).path("status").asText());
      for (String id : acknowledged) {
        assertEquals(200, http.get(collector.api("/api/jobs/" + id)).statusCode(), "acknowledged run " + id + " is missing");
      }
    }
  }
}
