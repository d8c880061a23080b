package io.jobpulse.collector.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.jobpulse.collector.testing.AgentSpans;
import io.jobpulse.collector.testing.AgentSpans.Run;
import io.jobpulse.collector.testing.RunningCollector;
import io.jobpulse.collector.testing.TestHttp;
import io.jobpulse.contract.JobOutcome;
import io.opentelemetry.proto.trace.v1.Span;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.Socket;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A page of thousands of runs, streamed: complete, valid JSON, each run as its own detail view shows it. */
class LargePageTest {

  private static final int RUNS = 2_000;
  private static final List<String> JOB_FIELDS = List.of("id", "name", "businessId", "status", "flag", "service",
      "worker", "attempt", "previousAttemptId", "parentId", "traceId", "startedAt", "endedAt", "lastSeenAt",
      "durationMs", "enqueuedAt", "queueWaitMs", "progress", "etaSeconds", "error", "threadName", "threadState",
      "stackTop", "flaggedThenRecovered", "duplicateOf", "waitingOn");
  /** Nothing may follow the document. */
  private static final ObjectReader STRICT = TestHttp.JSON.reader().with(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

  @TempDir Path dir;
  private final TestHttp http = new TestHttp();
  private final AgentSpans agent = new AgentSpans("bulk");

  @Test
  void aPageOfTwoThousandRunsIsCompleteAndWellFormed() throws IOException {
    try (RunningCollector collector = new RunningCollector(dir)) {
      long now = System.currentTimeMillis();
      List<String> newestFirst = new ArrayList<>();
      for (int request = 0; request < 4; request++) {
        List<Span> spans = new ArrayList<>();
        for (int i = 0; i < RUNS / 4; i++) {
          int n = request * (RUNS / 4) + i;
          Run run = Run.create("com.acme.Bulk" + (n % 7) + "#run", now - 60_000 + n);
          // Every tenth fails with a message JSON must escape.
          spans.add(n % 10 == 0
              ? agent.jobEnd(run, now, JobOutcome.FAILED, n, "java.io.IOException", "disk \"full\"\tat step " + n)
              : agent.jobEnd(run, now, JobOutcome.COMPLETED));
          newestFirst.add(0, run.id());
        }
        http.export(collector.otlpPort(), agent.request(spans.toArray(Span[]::new)));
      }

      HttpResponse<byte[]> response = http.get(collector.api("/api/jobs?limit=10000"));
      assertEquals(200, response.statusCode());
      assertEquals("application/json", response.headers().firstValue("Content-Type").orElse(null));
      // ~2 MB: sent while it is written, in chunks, the last of them ending the response.
      assertEquals("chunked", response.headers().firstValue("Transfer-Encoding").orElse(null));
      assertFalse(response.headers().firstValue("Content-Length").isPresent());
      JsonNode body = STRICT.readTree(response.body());
      assertEquals(List.of("jobs", "next"), fieldNames(body));
      assertTrue(body.path("next").isNull(), "a page that is not full is the last");
      JsonNode jobs = body.path("jobs");
      List<String> listed = new ArrayList<>();
      for (JsonNode job : jobs) {
        assertEquals(JOB_FIELDS, fieldNames(job), job.toString());
        listed.add(job.path("id").asText());
      }
      assertEquals(newestFirst, listed, "every run once, newest first");

      JsonNode failed = jobs.get(RUNS - 1); // n = 0, the oldest
      assertEquals("FAILED", failed.path("status").asText());
      assertEquals("java.io.IOException", failed.path("error").path("type").asText());
      assertEquals("disk \"full\"\tat step 0", failed.path("error").path("message").asText());
      assertTrue(failed.path("startedAt").asText().matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{3}Z"));

      // The list and the detail view write a run alike.
      for (int i = 0; i < RUNS; i += 97) {
        JsonNode listedRun = jobs.get(i);
        ObjectNode detail = (ObjectNode) http.getJson(collector.api("/api/jobs/" + listedRun.path("id").asText()));
        assertFalse(detail.path("history").isMissingNode());
        detail.remove(List.of("history", "children", "crashedChildren"));
        assertEquals(listedRun, detail);
      }

      // A body within one chunk still goes out whole, with its length.
      HttpResponse<byte[]> small = http.get(collector.api("/api/jobs?limit=10"));
      assertEquals(small.body().length, small.headers().firstValueAsLong("Content-Length").orElse(-1));
      assertEquals(10, STRICT.readTree(small.body()).path("jobs").size());

      // Asked to close, the server ends the chunks and then the connection.
      assertEquals(jobs, STRICT.readTree(chunkedBodyUntilClose(collector.collector().httpPort(), "/api/jobs?limit=10000")).path("jobs"));

      // A full page names the next one; together they are the whole listing.
      JsonNode first = http.getJson(collector.api("/api/jobs?limit=1500"));
      assertEquals(1500, first.path("jobs").size());
      assertFalse(first.path("next").isNull());
      JsonNode second = http.getJson(collector.api("/api/jobs?limit=1500&before=" + first.path("next").asText()));
      assertEquals(RUNS - 1500, second.path("jobs").size());
      Set<String> paged = new HashSet<>();
      first.path("jobs").forEach(job -> paged.add(job.path("id").asText()));
      second.path("jobs").forEach(job -> paged.add(job.path("id").asText()));
      assertEquals(Set.copyOf(newestFirst), paged);
    }
  }

  /** {@code GET path} with {@code Connection: close}, read to the close; the chunks joined. */
  private static byte[] chunkedBodyUntilClose(int port, String path) throws IOException {
    try (Socket socket = new Socket("127.0.0.1", port)) {
      socket.setSoTimeout(30_000);
      socket.getOutputStream().write(("GET " + path + " HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n")
          .getBytes(StandardCharsets.ISO_8859_1));
      byte[] all = socket.getInputStream().readAllBytes(); // returns only once the server closes
      String text = new String(all, StandardCharsets.ISO_8859_1);
      int at = text.indexOf("\r\n\r\n");
      assertTrue(text.substring(0, at).toLowerCase(Locale.ROOT).contains("transfer-encoding: chunked"), text.substring(0, at));
      ByteArrayOutputStream body = new ByteArrayOutputStream();
      at += 4;
      while (true) {
        int lineEnd = text.indexOf("\r\n", at);
        int size = Integer.parseInt(text.substring(at, lineEnd), 16);
        at = lineEnd + 2;
        if (size == 0) {
          assertEquals("\r\n", text.substring(at), "nothing after the last chunk");
          return body.toByteArray();
        }
        body.write(all, at, size);
        at += size + 2;
      }
    }
  }

  private static List<String> fieldNames(JsonNode node) {
    List<String> names = new ArrayList<>();
    node.fieldNames().forEachRemaining(names::add);
    return names;
  }
}
