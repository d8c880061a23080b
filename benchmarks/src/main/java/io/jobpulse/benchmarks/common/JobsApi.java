package io.jobpulse.benchmarks.common;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/** The collector's REST API, as a client sees it. */
public final class JobsApi {

  private static final ObjectMapper JSON = new ObjectMapper();

  private final HttpClient http =
      HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(5)).build();
  private final String baseUrl;

  public JobsApi(String baseUrl) {
    this.baseUrl = Loopback.require(baseUrl);
  }

  /**
   * {@code GET /api/jobs} with the given filters ({@code null} ones left out).
   *
   * @return the {@code jobs} array
   */
  public JsonNode jobs(String status, String service, int limit) throws IOException, InterruptedException {
    StringBuilder query = new StringBuilder("/api/jobs?limit=").append(limit);
    if (status != null) {
      query.append("&status=").append(URLEncoder.encode(status, StandardCharsets.UTF_8));
    }
    if (service != null) {
      query.append("&service=").append(URLEncoder.encode(service, StandardCharsets.UTF_8));
    }
    return get(query.toString()).path("jobs");
  }

  /** {@code GET path} as JSON. */
  public JsonNode get(String path) throws IOException, InterruptedException {
    return JSON.readTree(getText(path));
  }

  /** {@code GET path} as text; any status but 200 is an error naming the body. */
  public String getText(String path) throws IOException, InterruptedException {
    return new String(getBytes(path), StandardCharsets.UTF_8);
  }

  /**
   * {@code GET path}, its body's bytes as they arrived: what a query is timed to, without the
   * client's own decoding of them. Any status but 200 is an error naming the body.
   */
  public byte[] getBytes(String path) throws IOException, InterruptedException {
    HttpRequest request = HttpRequest.newBuilder(URI.create(baseUrl + path)).timeout(Duration.ofSeconds(30)).GET().build();
    HttpResponse<byte[]> response = http.send(request, HttpResponse.BodyHandlers.ofByteArray());
    if (response.statusCode() != 200) {
      throw new IOException("GET " + path + " -> " + response.statusCode() + ": "
          + new String(response.body(), StandardCharsets.UTF_8));
    }
    return response.body();
  }
}
