package io.jobpulse.collector.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/** Calls a running collector's REST API for the client verbs. */
final class ApiClient {

  private static final ObjectMapper JSON = new ObjectMapper();

  private final URI base;
  private final String token;
  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  /** @param token the collector's API token, sent on every call; {@code null} for none */
  ApiClient(String url, String token) {
    this.base = URI.create(url.endsWith("/") ? url : url + "/");
    this.token = token == null || token.isBlank() ? null : token.trim();
  }

  JsonNode get(String pathAndQuery) throws IOException, InterruptedException {
    return send(HttpRequest.newBuilder(base.resolve(pathAndQuery)).GET());
  }

  JsonNode post(String pathAndQuery) throws IOException, InterruptedException {
    return send(HttpRequest.newBuilder(base.resolve(pathAndQuery)).POST(HttpRequest.BodyPublishers.noBody()));
  }

  private JsonNode send(HttpRequest.Builder request) throws IOException, InterruptedException {
    request.timeout(Duration.ofSeconds(30)).header("Accept", "application/json");
    if (token != null) {
      request.header("Authorization", "Bearer " + token);
    }
    HttpRequest built = request.build();
    HttpResponse<byte[]> response;
    try {
      response = http.send(built, HttpResponse.BodyHandlers.ofByteArray());
    } catch (IOException e) {
      throw new IOException("cannot reach the collector at " + base + " (" + e.getClass().getSimpleName()
          + (e.getMessage() == null ? "" : ": " + e.getMessage()) + "); is it running? use --url", e);
    }
    JsonNode body = JSON.readTree(response.body());
    if (response.statusCode() != 200) {
      String error = body != null && body.has("error") ? body.get("error").asText() : "HTTP " + response.statusCode();
      throw new IOException(built.method() + " " + built.uri() + " failed: " + error);
    }
    return body;
  }
}
