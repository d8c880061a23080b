package io.jobpulse.sample.e2e;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Predicate;
import java.util.stream.Collectors;

/** The collector's REST API as a user calls it: plain HTTP and JSON. */
final class JobPulseApi {

  private static final HttpClient HTTP =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Duration POLL = Duration.ofMillis(100);

  private final URI base;

  JobPulseApi(URI base) {
    this.base = base;
  }

  /** {@code GET /api/jobs?...}: the {@code jobs} array, newest first. */
  List<JsonNode> jobs(Map<String, String> query) {
    String queryString =
        query.entrySet().stream()
            .map(e -> e.getKey() + "=" + URLEncoder.encode(e.getValue(), StandardCharsets.UTF_8))
            .collect(Collectors.joining("&"));
    JsonNode body = get("/api/jobs" + (queryString.isEmpty() ? "" : "?" + queryString));
    JsonNode jobs = body.get("jobs");
    if (jobs == null || !jobs.isArray()) {
      throw new AssertionError("GET /api/jobs: no \"jobs\" array in " + body);
    }
    List<JsonNode> list = new ArrayList<>();
    jobs.forEach(list::add);
    return list;
  }

  List<JsonNode> jobs() {
    return jobs(Map.of());
  }

  /** {@code GET /api/jobs/{id}}. */
  JsonNode job(String id) {
    return get("/api/jobs/" + URLEncoder.encode(id, StandardCharsets.UTF_8));
  }

  /**
   * {@code GET /api/jobs/{id}}, the job's own fields: the contract leaves open whether they are at
   * the top or under {@code "job"} beside its history, children stats at the top either way.
   */
  JsonNode jobDetail(String id) {
    JsonNode answer = job(id);
    return answer.has("job") ? answer.get("job") : answer;
  }

  /** {@code GET /api/workers}. */
  JsonNode workers() {
    return get("/api/workers");
  }

  /** {@code GET /api/health}: the {@code jobs} array, one entry per job name. */
  List<JsonNode> health() {
    JsonNode body = get("/api/health");
    JsonNode jobs = body.get("jobs");
    if (jobs == null || !jobs.isArray()) {
      throw new AssertionError("GET /api/health: no \"jobs\" array in " + body);
    }
    List<JsonNode> list = new ArrayList<>();
    jobs.forEach(list::add);
    return list;
  }

  /** {@code GET /healthz}: its HTTP status. */
  int healthz() {
    return send("/healthz").statusCode();
  }

  /** The newest job of that name, if the collector lists one. */
  Optional<JsonNode> newestJob(String name) {
    return jobs().stream().filter(job -> name.equals(job.path("name").asText())).findFirst();
  }

  /** Waits until the newest job named {@code name} has {@code status}; returns it. */
  JsonNode awaitStatus(String name, String status, Duration atMost) {
    return awaitJob(name, "status " + status, job -> status.equals(job.path("status").asText()), atMost);
  }

  /**
   * Waits until the newest job named {@code name} satisfies {@code condition}; returns it. On
   * timeout the failure names what was listed last.
   */
  JsonNode awaitJob(String name, String condition, Predicate<JsonNode> test, Duration atMost) {
    AtomicReference<JsonNode> match = new AtomicReference<>();
    await(name + " with " + condition)
        .atMost(atMost)
        .pollInterval(POLL)
        .untilAsserted(
            () -> {
              List<JsonNode> jobs = jobs();
              JsonNode job =
                  jobs.stream()
                      .filter(j -> name.equals(j.path("name").asText()))
                      .findFirst()
                      .orElseThrow(() -> new AssertionError("no job named " + name + " in " + jobs));
              assertTrue(test.test(job), () -> "expected " + condition + ", got " + job);
              match.set(job);
            });
    return match.get();
  }

  /**
   * Waits until {@code GET /api/jobs?query} lists a job that satisfies {@code condition}; returns
   * the newest such job. On timeout the failure shows what was listed last.
   */
  JsonNode awaitListed(Map<String, String> query, String condition, Predicate<JsonNode> test, Duration atMost) {
    AtomicReference<JsonNode> match = new AtomicReference<>();
    await(condition)
        .atMost(atMost)
        .pollInterval(POLL)
        .untilAsserted(
            () -> {
              List<JsonNode> jobs = jobs(query);
              match.set(
                  jobs.stream()
                      .filter(test)
                      .findFirst()
                      .orElseThrow(() -> new AssertionError("expected a job with " + condition + " in " + jobs)));
            });
    return match.get();
  }

  /** Waits until the job {@code id}'s detail satisfies {@code condition}; returns the whole answer. */
  JsonNode awaitDetail(String id, String condition, Predicate<JsonNode> test, Duration atMost) {
    AtomicReference<JsonNode> match = new AtomicReference<>();
    await("job " + id + " with " + condition)
        .atMost(atMost)
        .pollInterval(POLL)
        .untilAsserted(
            () -> {
              JsonNode answer = job(id);
              assertTrue(test.test(answer), () -> "expected " + condition + ", got " + answer);
              match.set(answer);
            });
    return match.get();
  }

  private JsonNode get(String path) {
    HttpResponse<String> response = send(path);
    if (response.statusCode() != 200) {
      throw new AssertionError(
          "GET " + path + " -> " + response.statusCode() + ": " + response.body());
    }
    try {
      return JSON.readTree(response.body());
    } catch (IOException e) {
      throw new AssertionError("GET " + path + ": not JSON: " + response.body(), e);
    }
  }

  private HttpResponse<String> send(String path) {
    HttpRequest request =
        HttpRequest.newBuilder(base.resolve(path)).timeout(Duration.ofSeconds(10)).GET().build();
    try {
      return HTTP.send(request, HttpResponse.BodyHandlers.ofString());
    } catch (IOException e) {
      throw new UncheckedIOException("GET " + base.resolve(path), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted: GET " + path, e);
    }
  }
}
