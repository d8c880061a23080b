package io.jobpulse.collector.hostile;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.jobpulse.collector.testing.RunningCollector;
import io.jobpulse.collector.testing.TestHttp;
import java.net.URLEncoder;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What a hostile or careless client can send to the API port: each case gets a 4xx with a JSON
 * {@code {"error":...}} within seconds (never a 5xx, a stack trace or silence), and the collector
 * still serves the jobs it had, unchanged.
 */
class HostileApiInputTest {

  @TempDir Path dir;
  private final TestHttp http = new TestHttp();
  private RunningCollector collector;
  private Sentinel sentinel;

  @BeforeEach
  void start() {
    collector = new RunningCollector(dir);
    sentinel = Sentinel.seed(collector, http);
  }

  @AfterEach
  void stillServesWithTheSameJobs() {
    try {
      sentinel.assertUnchanged();
    } finally {
      collector.close();
    }
  }

  @Test
  void anAbsurdlyLargeLimitIsClampedAndMalformedOnesAre400() {
    HttpResponse<byte[]> huge = http.get(collector.api("/api/jobs?limit=99999999999999999999"));
    assertEquals(200, huge.statusCode());
    assertEquals(3, TestHttp.json(huge).path("jobs").size());
    for (String limit : List.of("0", "-5", "abc", "1e3", "%20", "-99999999999999999999", "12abc")) {
      assertError(400, "limit", http.get(collector.api("/api/jobs?limit=" + limit)));
    }
    for (String offset : List.of("-1", "x", "99999999999999999999")) {
      assertError(400, "offset", http.get(collector.api("/api/jobs?offset=" + offset)));
    }
    assertError(400, "cursor", http.get(collector.api("/api/jobs?before=%21%21%21")));
    assertError(400, "cursor", http.get(collector.api("/api/jobs?before=AAAA")));
  }

  @Test
  void anUnknownStatusIs400NamingTheAllowedOnesAndIsNeverEchoedAsHtml() {
    HttpResponse<byte[]> script = http.get(collector.api("/api/jobs?status="
        + URLEncoder.encode("<script>alert(1)</script>", StandardCharsets.UTF_8)));
    assertError(400, "allowed: ", script);
    assertEquals("application/json", script.headers().firstValue("content-type").orElseThrow());
    assertError(400, "allowed: ", http.request("DELETE", collector.api("/api/jobs?status=%3Cscript%3E")));
    assertError(400, "running and pending jobs are never deleted", http.request("DELETE", collector.api("/api/jobs?status=RUNNING")));
  }

  @Test
  void hugeNamesAndIdsAre414AndLongOnesAreJustUnmatched() {
    assertError(414, "too long", http.get(collector.api("/api/jobs?name=" + "n".repeat(100_000))));
    assertError(414, "too long", http.get(collector.api("/api/jobs/" + "i".repeat(100_000))));
    HttpResponse<byte[]> longName = http.get(collector.api("/api/jobs?name=" + "n".repeat(3_000)));
    assertEquals(200, longName.statusCode());
    assertEquals(0, TestHttp.json(longName).path("jobs").size());
    assertError(404, "no job", http.get(collector.api("/api/jobs/" + "i".repeat(3_000))));
  }

  @Test
  void absurdDurationsAre400() {
    for (String olderThan : List.of("abc", "-5m", "5x", "99999999999999999999d", "9223372036854775807d", "999999999999999999d",
        "999999999999999999m", "999999999999999999s", "1y")) {
      assertError(400, "olderThan", http.post(collector.api("/api/jobs/reset-stuck?olderThan=" + olderThan), null, new byte[0]));
      assertError(400, "olderThan",
          http.request("DELETE", collector.api("/api/jobs?status=COMPLETED&olderThan=" + olderThan)));
    }
  }

  @Test
  void undecodableUrisAreRefused() {
    for (String target : List.of("/api/jobs/%ZZ", "/api/jobs?name=%ZZ", "/api/jobs?status=%", "/%E0%A4%A")) {
      RawHttp.Response response = RawHttp.exchange(httpPort(), "GET " + target + " HTTP/1.1\r\nHost: x\r\n\r\n");
      assertEquals(400, response.status(), target + " -> " + response);
      assertTrue(response.body().contains("\"error\""), response.body());
    }
    // Invalid UTF-8 that is well percent-encoded decodes to replacement characters: an unmatched name.
    assertEquals(200, http.get(collector.api("/api/jobs?name=%C3%28%FF")).statusCode());
  }

  @Test
  void unknownPathsMethodsBodiesAndHeadersAreRefused() {
    assertError(404, "no such path", http.get(collector.api("/api/nothing")));
    assertError(404, "no such path", http.get(collector.api("/api/jobs/a/b")));
    assertError(405, "use GET", http.post(collector.api("/api/jobs"), "application/json", "{}".getBytes(StandardCharsets.UTF_8)));
    assertError(405, "use GET", http.request("PUT", collector.api("/healthz")));
    assertError(405, "use POST", http.get(collector.api("/api/jobs/reset-stuck")));
    // The API takes no JSON bodies: a deep one is not parsed, the missing parameter is what is said.
    byte[] deep = ("[".repeat(10_000) + "]".repeat(10_000)).getBytes(StandardCharsets.UTF_8);
    assertError(400, "olderThan is required", http.post(collector.api("/api/jobs/reset-stuck"), "application/json", deep));
    RawHttp.Response big = RawHttp.exchange(httpPort(), ("POST /api/jobs/reset-stuck?olderThan=1h HTTP/1.1\r\nHost: x\r\n"
        + "Content-Type: application/json\r\nContent-Length: 200000\r\n\r\n" + "x".repeat(1000)));
    assertEquals(413, big.status(), big.toString());
    RawHttp.Response bigHeader = RawHttp.exchange(httpPort(),
        "GET /api/jobs HTTP/1.1\r\nHost: x\r\nCookie: " + "c".repeat(100_000) + "\r\n\r\n");
    assertEquals(431, bigHeader.status(), bigHeader.toString());
    RawHttp.Response brew = RawHttp.exchange(httpPort(), "BREW /api/jobs HTTP/1.1\r\nHost: x\r\n\r\n");
    assertEquals(405, brew.status(), brew.toString());
    RawHttp.Response http09 = RawHttp.exchange(httpPort(), "GET /api/jobs\r\n\r\n");
    assertTrue(http09.status() == 400 || http09.status() == 0, "HTTP/0.9 is not served: " + http09);
  }

  private int httpPort() {
    return collector.collector().httpPort();
  }

  private static void assertError(int status, String reason, HttpResponse<byte[]> response) {
    String body = new String(response.body(), StandardCharsets.UTF_8);
    assertEquals(status, response.statusCode(), body);
    JsonNode error = TestHttp.json(response).path("error");
    assertTrue(error.isTextual() && error.asText().contains(reason), "expected an error saying '" + reason + "': " + body);
    assertTrue(!body.contains("Exception") && !body.contains("\tat "), "a stack trace leaked: " + body);
  }
}
