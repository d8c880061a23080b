package io.jobpulse.collector.hostile;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.jobpulse.collector.testing.AgentSpans;
import io.jobpulse.collector.testing.AgentSpans.Run;
import io.jobpulse.collector.testing.RunningCollector;
import io.jobpulse.collector.testing.TestHttp;
import io.jobpulse.contract.JobOutcome;
import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Thousands of valid OTLP requests, mutated (bit flips, truncation, insertion, field splicing
 * between requests), seeded so a failure replays: each answer is 200 (maybe a partial success) or
 * 400, never a 5xx, never a hang, and the collector serves its jobs unchanged afterwards.
 */
class OtlpFuzzTest {

  private static final long SEED = 20_240_917L;
  private static final int MUTATIONS = 5_000;
  private static final int SENDERS = 4;

  @TempDir Path dir;
  private final TestHttp http = new TestHttp();

  @Test
  void mutatedRequestsGet200Or400AndNothingBreaks() throws Exception {
    try (RunningCollector collector = new RunningCollector(dir)) {
      Sentinel sentinel = Sentinel.seed(collector, http);
      List<byte[]> protobuf = validRequests();
      List<byte[]> json = validJsonRequests();
      ExecutorService senders = Executors.newFixedThreadPool(SENDERS);
      try {
        List<Future<Map<Integer, Integer>>> results = new java.util.ArrayList<>();
        for (int s = 0; s < SENDERS; s++) {
          Random random = new Random(SEED + s);
          int count = MUTATIONS / SENDERS;
          results.add(senders.submit(() -> send(collector, random, count, protobuf, json)));
        }
        Map<Integer, Integer> statuses = new TreeMap<>();
        for (Future<Map<Integer, Integer>> result : results) {
          result.get().forEach((status, n) -> statuses.merge(status, n, Integer::sum));
        }
        assertEquals(MUTATIONS, statuses.values().stream().mapToInt(Integer::intValue).sum());
        assertTrue(statuses.keySet().stream().allMatch(status -> status == 200 || status == 400),
            "statuses other than 200/400: " + statuses);
        assertTrue(statuses.getOrDefault(400, 0) > 0 && statuses.getOrDefault(200, 0) > 0,
            "the mutations should both break and keep requests: " + statuses);
      } finally {
        senders.shutdownNow();
      }
      sentinel.assertUnchanged();
      AgentSpans after = new AgentSpans("after-fuzz");
      Run run = Run.create("com.acme.AfterFuzz#run", System.currentTimeMillis());
      http.export(collector.otlpPort(), after.request(after.jobStart(run, System.currentTimeMillis())));
      assertEquals("RUNNING", http.getJson(collector.api("/api/jobs/" + run.id())).path("status").asText());
    }
  }

  /** One sender: its own connection, {@code count} mutated requests, statuses counted. */
  private static Map<Integer, Integer> send(RunningCollector collector, Random random, int count,
      List<byte[]> protobuf, List<byte[]> json) throws Exception {
    HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    Map<Integer, Integer> statuses = new TreeMap<>();
    for (int i = 0; i < count; i++) {
      boolean asJson = random.nextInt(5) == 0;
      List<byte[]> corpus = asJson ? json : protobuf;
      byte[] body = mutate(random, corpus.get(random.nextInt(corpus.size())), corpus.get(random.nextInt(corpus.size())));
      HttpRequest request = HttpRequest.newBuilder(URI.create(collector.otlpUrl()))
          .timeout(Duration.ofSeconds(10)) // a hang fails the test, it does not stall it
          .header("Content-Type", asJson ? "application/json" : TestHttp.PROTOBUF)
          .POST(HttpRequest.BodyPublishers.ofByteArray(body))
          .build();
      HttpResponse<byte[]> response;
      try {
        response = client.send(request, HttpResponse.BodyHandlers.ofByteArray());
      } catch (java.io.IOException e) {
        fail("no answer to mutation " + i + " (" + (asJson ? "JSON" : "protobuf") + ", "
            + body.length + " bytes): " + e + "\nbody (base64): " + java.util.Base64.getEncoder().encodeToString(body), e);
        return statuses;
      }
      if (response.statusCode() != 200 && response.statusCode() != 400) {
        fail("mutation " + i + " got " + response.statusCode() + ": " + new String(response.body(), StandardCharsets.UTF_8)
            + "\nbody (base64): " + java.util.Base64.getEncoder().encodeToString(body));
      }
      statuses.merge(response.statusCode(), 1, Integer::sum);
    }
    return statuses;
  }

  /** One of: bit flips, truncation, a random byte run inserted, the head of one request spliced onto another's tail. */
  static byte[] mutate(Random random, byte[] a, byte[] b) {
    byte[] out;
    switch (random.nextInt(4)) {
      case 0 -> {
        out = a.clone();
        for (int flips = 1 + random.nextInt(8); flips > 0; flips--) {
          int bit = random.nextInt(out.length * 8);
          out[bit / 8] ^= (byte) (1 << (bit % 8));
        }
      }
      case 1 -> out = Arrays.copyOf(a, random.nextInt(a.length));
      case 2 -> {
        int at = random.nextInt(a.length + 1);
        byte[] noise = new byte[1 + random.nextInt(16)];
        random.nextBytes(noise);
        ByteArrayOutputStream spliced = new ByteArrayOutputStream();
        spliced.write(a, 0, at);
        spliced.writeBytes(noise);
        spliced.write(a, at, a.length - at);
        out = spliced.toByteArray();
      }
      default -> {
        int cutA = random.nextInt(a.length + 1);
        int cutB = random.nextInt(b.length + 1);
        ByteArrayOutputStream spliced = new ByteArrayOutputStream();
        spliced.write(a, 0, cutA);
        spliced.write(b, cutB, b.length - cutB);
        out = spliced.toByteArray();
      }
    }
    return out;
  }

  /** Requests as the agent sends them: starts, ends (one failed), heartbeats with active runs, a stop. */
  private static List<byte[]> validRequests() {
    AgentSpans agent = new AgentSpans("fuzz");
    long now = System.currentTimeMillis();
    Run a = Run.create("com.acme.Fuzz#a", now - 2_000);
    Run b = Run.create("com.acme.Fuzz#b", now - 1_000);
    return List.of(
        agent.request(agent.jobStart(a, now - 1_900), agent.jobStart(b, now - 900)).toByteArray(),
        agent.request(agent.heartbeat(3_600_000, now, new AgentSpans.Active(a, 3, 10L, "RUNNABLE"),
            new AgentSpans.Active(b, 0, null, "WAITING"))).toByteArray(),
        agent.request(agent.jobEnd(a, now, JobOutcome.COMPLETED),
            agent.jobEnd(b, now, JobOutcome.FAILED, 1, "java.lang.IllegalStateException", "boom")).toByteArray(),
        agent.request(agent.workerStop(now, b)).toByteArray());
  }

  private static List<byte[]> validJsonRequests() {
    String traceId = AgentSpans.newTraceId();
    String spanId = AgentSpans.newSpanId();
    long nanos = System.currentTimeMillis() * 1_000_000L;
    String json = "{\"resourceSpans\":[{\"resource\":{\"attributes\":["
        + "{\"key\":\"service.name\",\"value\":{\"stringValue\":\"fuzz-json\"}},"
        + "{\"key\":\"service.instance.id\",\"value\":{\"stringValue\":\"fuzz-json-1\"}}]},"
        + "\"scopeSpans\":[{\"scope\":{\"name\":\"io.jobpulse.agent\"},\"spans\":[{\"traceId\":\"" + traceId
        + "\",\"spanId\":\"" + AgentSpans.newSpanId() + "\",\"parentSpanId\":\"" + spanId
        + "\",\"name\":\"jobpulse.job.start\",\"startTimeUnixNano\":\"" + nanos + "\",\"endTimeUnixNano\":\"" + nanos
        + "\",\"attributes\":[{\"key\":\"jobpulse.job.id\",\"value\":{\"stringValue\":\"" + spanId + "\"}},"
        + "{\"key\":\"jobpulse.job.name\",\"value\":{\"stringValue\":\"com.acme.FuzzJson#run\"}},"
        + "{\"key\":\"jobpulse.job.attempt\",\"value\":{\"intValue\":\"1\"}}]}]}]}]}";
    return List.of(json.getBytes(StandardCharsets.UTF_8));
  }
}
