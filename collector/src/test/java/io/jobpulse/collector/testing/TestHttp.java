package io.jobpulse.collector.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.google.protobuf.MessageLite;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.zip.GZIPOutputStream;

/** A plain HTTP client for tests: OTLP posts and API calls against a real collector. */
public final class TestHttp {

  public static final ObjectMapper JSON = new ObjectMapper();
  public static final String PROTOBUF = "application/x-protobuf";

  private final HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  public HttpResponse<byte[]> post(String url, String contentType, byte[] body, String... headers) {
    HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(30))
        .POST(HttpRequest.BodyPublishers.ofByteArray(body));
    if (contentType != null) {
      request.header("Content-Type", contentType);
    }
    if (headers.length > 0) {
      request.headers(headers);
    }
    return send(request.build());
  }

  /** Posts a request as the agent's OTLP exporter does; fails the test unless it is acknowledged. */
  public void export(int otlpPort, MessageLite request) {
    HttpResponse<byte[]> response = post(otlp(otlpPort), PROTOBUF, request.toByteArray());
    if (response.statusCode() != 200) {
      throw new AssertionError("export failed: " + response.statusCode() + " " + new String(response.body()));
    }
  }

  public HttpResponse<byte[]> request(String method, String url, String... headers) {
    HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(30))
        .method(method, HttpRequest.BodyPublishers.noBody());
    if (headers.length > 0) {
      request.headers(headers);
    }
    return send(request.build());
  }

  public HttpResponse<byte[]> get(String url) {
    return request("GET", url);
  }

  /** GETs {@code url}, expecting 200 and JSON. */
  public JsonNode getJson(String url) {
    HttpResponse<byte[]> response = get(url);
    if (response.statusCode() != 200) {
      throw new AssertionError("GET " + url + " -> " + response.statusCode() + " " + new String(response.body()));
    }
    return json(response);
  }

  public static JsonNode json(HttpResponse<byte[]> response) {
    try {
      return JSON.readTree(response.body());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public static String otlp(int port) {
    return "http://127.0.0.1:" + port + "/v1/traces";
  }

  public static byte[] gzip(byte[] bytes) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (GZIPOutputStream gzip = new GZIPOutputStream(out)) {
      gzip.write(bytes);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toByteArray();
  }

  private HttpResponse<byte[]> send(HttpRequest request) {
    try {
      return client.send(request, HttpResponse.BodyHandlers.ofByteArray());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }
}
