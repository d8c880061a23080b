package io.jobpulse.collector.dashboard;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.channels.Channels;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A stand-in for the collector's http port: the real dashboard files through {@link
 * DashboardAssets}, and a fixed data set behind the REST API contract (with {@code ?status=}
 * matching a job's status or its flag, as the real API does). Times are relative to start so ages
 * on the page look like a live system.
 */
final class ApiStandIn implements AutoCloseable {

  static final String CRASHED_JOB = "com.acme.payments.SettlementJob#settle";
  static final String CRASHED_REASON = "worker 7d1c0e55 died: lease closed without goodbye";
  static final String HOSTILE_NAME = "<img src=x onerror=alert(1)>";
  static final String HOSTILE_REASON = "stopped listing the job <script>alert(2)</script>";
  static final String HOSTILE_ID = "0b1c2d3e4f506172";
  static final String HOSTILE_HISTORY = "note <img src=x onerror=alert(4)> from the app";

  /** A live parent, flagged STALLED, waiting on its crashed child {@link #CRASHED_ID}. */
  static final String PARENT_ID = "5e6f708192a3b4c5";
  static final String PARENT_JOB = "com.acme.billing.MonthEnd#close";
  static final String PARENT_REASON = "no progress for 10m (at 212 of 500)";
  /** The first attempt of {@link #PARENT_ID}: no longer stored, so its detail is a 404. */
  static final String PARENT_PREVIOUS_ATTEMPT = "4d5e6f708192a3b4";
  static final String CRASHED_ID = "c1d2e3f405162738";

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final DateTimeFormatter ISO_MILLIS =
      DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSS'Z'").withZone(ZoneOffset.UTC);
  private static final String ALIVE_WORKER = "3f2a9c1e-8b7d-4c2a-9e61-0a5b6c7d8e9f";
  private static final String DEAD_WORKER = "7d1c0e55-2f4b-4a9c-8d3e-1b2c3d4e5f60";
  private static final String STOPPED_WORKER = "c0ffee00-1234-4abc-9def-556677889900";

  private final HttpServer server;
  private final ExecutorService executor;
  private final DashboardAssets assets;
  private final boolean hasHealthEndpoint;
  private final int healthyPolls;
  private final Instant now = Instant.now();
  private final AtomicInteger polls = new AtomicInteger();
  private final Queue<String> apiRequests = new ConcurrentLinkedQueue<>();

  private ApiStandIn(DashboardAssets assets, boolean hasHealthEndpoint, int healthyPolls)
      throws IOException {
    this.assets = assets;
    this.hasHealthEndpoint = hasHealthEndpoint;
    this.healthyPolls = healthyPolls;
    this.server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    this.executor = Executors.newFixedThreadPool(4);
    server.setExecutor(executor);
    server.createContext("/", this::handle);
    server.start();
  }

  /** A collector of today: every endpoint answers. */
  static ApiStandIn current(DashboardAssets assets) throws IOException {
    return new ApiStandIn(assets, true, Integer.MAX_VALUE);
  }

  /** An older collector: no {@code /api/health} (404). */
  static ApiStandIn withoutHealthEndpoint(DashboardAssets assets) throws IOException {
    return new ApiStandIn(assets, false, Integer.MAX_VALUE);
  }

  /** A collector that answers the page's first poll, then fails every API call with 503. */
  static ApiStandIn failingAfterFirstPoll(DashboardAssets assets) throws IOException {
    return new ApiStandIn(assets, true, 1);
  }

  URI baseUri() {
    return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/");
  }

  /** Path and query of every API call received, in order. */
  List<String> apiRequests() {
    return List.copyOf(apiRequests);
  }

  @Override
  public void close() {
    server.stop(0);
    executor.shutdownNow();
  }

  private void handle(HttpExchange exchange) throws IOException {
    try (exchange) {
      URI uri = exchange.getRequestURI();
      String path = uri.getPath();
      if (path.equals("/healthz") || path.startsWith("/api/")) {
        apiRequests.add(uri.getRawQuery() == null ? path : path + "?" + uri.getRawQuery());
        // The page asks /healthz first in each poll and awaits every answer before the next.
        if (path.equals("/healthz")) {
          polls.incrementAndGet();
        }
        if (polls.get() > healthyPolls) {
          send(exchange, 503, JSON.createObjectNode().put("error", "overloaded"));
        } else {
          answerApi(exchange, path, uri.getQuery());
        }
        return;
      }
      var asset = assets.find(path);
      if (asset.isEmpty()) {
        exchange.sendResponseHeaders(404, -1);
        return;
      }
      asset.get().headers().forEach(exchange.getResponseHeaders()::set);
      if (asset.get().notModified(exchange.getRequestHeaders().getFirst("If-None-Match"))) {
        exchange.sendResponseHeaders(304, -1);
        return;
      }
      exchange.sendResponseHeaders(200, asset.get().length());
      try (OutputStream body = exchange.getResponseBody()) {
        Channels.newChannel(body).write(asset.get().content());
      }
    }
  }

  private void answerApi(HttpExchange exchange, String path, String query) throws IOException {
    if (path.startsWith("/api/jobs/")) {
      // getPath() is decoded, as the real collector decodes the id.
      String id = path.substring("/api/jobs/".length());
      var job = jobs().stream().filter(j -> j.get("id").asText().equals(id)).findFirst();
      if (job.isPresent()) {
        send(exchange, 200, detail(job.get()));
      } else {
        send(exchange, 404, JSON.createObjectNode().put("error", "no job " + id));
      }
      return;
    }
    switch (path) {
      case "/healthz" -> send(exchange, 200, JSON.createObjectNode().put("status", "ok"));
      case "/api/workers" -> send(exchange, 200, wrap("workers", workers()));
      case "/api/jobs" -> send(exchange, 200, wrap("jobs", jobsMatching(statusOf(query))));
      case "/api/health" -> {
        if (hasHealthEndpoint) {
          send(exchange, 200, wrap("jobs", health()));
        } else {
          send(exchange, 404, JSON.createObjectNode().put("error", "no such endpoint"));
        }
      }
      default -> send(exchange, 404, JSON.createObjectNode().put("error", "no such endpoint"));
    }
  }

  private static String statusOf(String query) {
    if (query != null) {
      for (String pair : query.split("&")) {
        if (pair.startsWith("status=")) {
          return pair.substring("status=".length());
        }
      }
    }
    return null;
  }

  private ArrayNode jobsMatching(String status) {
    ArrayNode matching = JSON.createArrayNode();
    for (var job : jobs()) {
      boolean flagMatches =
          job.get("flag").isObject() && job.get("flag").get("type").asText().equals(status);
      if (status == null || job.get("status").asText().equals(status) || flagMatches) {
        matching.add(job);
      }
    }
    return matching;
  }

  private static ObjectNode wrap(String key, ArrayNode items) {
    ObjectNode body = JSON.createObjectNode();
    body.set(key, items);
    return body;
  }

  private static void send(HttpExchange exchange, int status, ObjectNode body) throws IOException {
    byte[] bytes = JSON.writeValueAsBytes(body);
    exchange.getResponseHeaders().set("Content-Type", "application/json");
    exchange.sendResponseHeaders(status, bytes.length);
    try (OutputStream out = exchange.getResponseBody()) {
      out.write(bytes);
    }
  }

  private String ago(Duration duration) {
    return ISO_MILLIS.format(now.minus(duration));
  }

  // ---- the data set ----------------------------------------------------------------------------

  private ArrayNode workers() {
    ArrayNode workers = JSON.createArrayNode();
    workers.add(worker(ALIVE_WORKER, "billing", 48211, "worker-a.prod", "ALIVE", 2, "a1b2c3d4e5f60718", "a2b3c4d5e6f70819", "a3b4c5d6e7f8091a", PARENT_ID));
    workers.add(worker(DEAD_WORKER, "payments", 39102, "worker-b.prod", "DEAD", 47, "c1d2e3f405162738", "0b1c2d3e4f506172"));
    workers.add(worker(STOPPED_WORKER, "reports", 11873, "worker-c.prod", "STOPPED", 3600));
    return workers;
  }

  private ObjectNode worker(
      String id, String service, long pid, String host, String state, long heartbeatAgeSeconds,
      String... jobIds) {
    ObjectNode worker =
        JSON.createObjectNode()
            .put("id", id)
            .put("service", service)
            .put("pid", pid)
            .put("host", host)
            .put("state", state)
            .put("lastHeartbeatAt", ago(Duration.ofSeconds(heartbeatAgeSeconds)))
            .put("intervalMs", 5000);
    ArrayNode jobs = worker.putArray("jobs");
    for (String jobId : jobIds) {
      jobs.add(jobId);
    }
    return worker;
  }

  private List<ObjectNode> jobs() {
    return List.of(
        job("a1b2c3d4e5f60718", "com.acme.billing.InvoiceRun#run", "inv-2024-10", "RUNNING", "billing", ALIVE_WORKER)
            .put("startedAt", ago(Duration.ofMinutes(4)))
            .<ObjectNode>set("progress", progress(37, 120L))
            .put("etaSeconds", 412),
        job("a2b3c4d5e6f70819", "com.acme.etl.Importer#importAll", "feed-eu", "RUNNING", "billing", ALIVE_WORKER)
            .put("startedAt", ago(Duration.ofSeconds(95)))
            .set("progress", progress(5123, null)),
        job("a3b4c5d6e7f8091a", "com.acme.reports.Nightly#build", "2024-10-07", "RUNNING", "billing", ALIVE_WORKER)
            .put("startedAt", ago(Duration.ofHours(3)))
            .<ObjectNode>set("progress", progress(880, 1000L))
            .<ObjectNode>set(
                "flag", flag("STUCK", "running 3h 0m, longer than its max runtime of 1h", 20, 1200)),
        job(PARENT_ID, PARENT_JOB, "month-end-2024-10", "RUNNING", "billing", ALIVE_WORKER)
            .put("attempt", 2)
            .put("previousAttemptId", PARENT_PREVIOUS_ATTEMPT)
            .put("startedAt", ago(Duration.ofMinutes(25)))
            .<ObjectNode>set("progress", progress(212, 500L))
            .<ObjectNode>set("waitingOn", JSON.createObjectNode().put("childId", CRASHED_ID).put("status", "CRASHED"))
            .set("flag", flag("STALLED", PARENT_REASON, 20, 1500)),
        job(CRASHED_ID, CRASHED_JOB, "batch-7781", "CRASHED", "payments", DEAD_WORKER)
            .put("parentId", PARENT_ID)
            .put("startedAt", ago(Duration.ofMinutes(12)))
            .<ObjectNode>set("progress", progress(212, 500L))
            .set("flag", flag("CRASHED", CRASHED_REASON, 45, 412)),
        job(HOSTILE_ID, HOSTILE_NAME, "\"><svg onload=alert(3)>", "LOST", "payments", DEAD_WORKER)
            .put("startedAt", ago(Duration.ofMinutes(30)))
            .set("flag", flag("LOST", HOSTILE_REASON, 300, 15_250)),
        job("9e8d7c6b5a493827", "com.acme.mail.Digest#send", "digest-weekly", "PENDING", "reports", STOPPED_WORKER)
            .set("flag", flag("PENDING_TOO_LONG", "enqueued 26h ago, not started within 24h", 7200, 950)),
        job("7a6b5c4d3e2f1a0b", "com.acme.sync.CrmSync#run", "crm-full", "COMPLETED", "reports", STOPPED_WORKER)
            .put("startedAt", ago(Duration.ofHours(2)))
            .put("endedAt", ago(Duration.ofMinutes(80)))
            .put("flaggedThenRecovered", true)
            .set("flag", flag("CRASHED", "no heartbeat for 15s (3 × 5s)", 5400, 15_100)),
        job("f1e2d3c4b5a69788", "com.acme.billing.InvoiceRun#run", "inv-2024-09", "FAILED", "billing", ALIVE_WORKER)
            .put("startedAt", ago(Duration.ofMinutes(50)))
            .put("endedAt", ago(Duration.ofMinutes(48)))
            .set(
                "error",
                JSON.createObjectNode()
                    .put("type", "java.net.SocketTimeoutException")
                    .put("message", "Read timed out after 30000 ms (ledger-api)")
                    .put("category", "timeout")));
  }

  private ObjectNode job(
      String id, String name, String businessId, String status, String service, String worker) {
    ObjectNode job =
        JSON.createObjectNode()
            .put("id", id)
            .put("name", name)
            .put("businessId", businessId)
            .put("status", status)
            .put("service", service)
            .put("worker", worker)
            .put("attempt", 1)
            .put("lastSeenAt", ago(Duration.ofSeconds(3)))
            .put("flaggedThenRecovered", false);
    job.putNull("flag");
    job.putNull("previousAttemptId");
    job.putNull("parentId");
    job.putNull("waitingOn");
    job.putNull("endedAt");
    job.putNull("etaSeconds");
    job.putNull("error");
    return job;
  }

  /**
   * {@code GET /api/jobs/{id}}: the run with a history told from its own fields (announced,
   * flagged, ended), its children's counts and the ids of those that crashed.
   */
  private ObjectNode detail(ObjectNode job) {
    ObjectNode detail = job.deepCopy();
    String id = job.get("id").asText();
    String status = job.get("status").asText();
    List<ObjectNode> history = new ArrayList<>();
    String announcedAt = job.path("startedAt").isTextual() ? job.get("startedAt").asText() : ago(Duration.ofHours(26));
    history.add(historyEntry(announcedAt, status.equals("PENDING") ? "PENDING" : "RUNNING",
        "announced by worker " + job.get("worker").asText()));
    if (job.get("waitingOn").isObject()) {
      history.add(historyEntry(ago(Duration.ofSeconds(45)), status,
          "waiting on child " + CRASHED_ID + ", which is CRASHED"));
    }
    JsonNode flag = job.get("flag");
    if (flag.isObject()) {
      boolean becameStatus = flag.get("type").asText().equals(status);
      history.add(historyEntry(flag.get("flaggedAt").asText(), status,
          becameStatus ? flag.get("reason").asText() : flag.get("type").asText() + ": " + flag.get("reason").asText()));
    }
    if (id.equals(HOSTILE_ID)) {
      history.add(historyEntry(ago(Duration.ofSeconds(200)), status, HOSTILE_HISTORY));
    }
    if (job.get("endedAt").isTextual()) {
      history.add(historyEntry(job.get("endedAt").asText(), status, "ended " + status));
    }
    history.sort(Comparator.comparing(entry -> entry.get("at").asText()));
    detail.putArray("history").addAll(history);

    boolean parent = id.equals(PARENT_ID);
    detail.putObject("children")
        .put("pending", parent ? 6 : 0)
        .put("running", parent ? 2 : 0)
        .put("completed", parent ? 41 : 0)
        .put("failed", 0)
        .put("crashed", parent ? 1 : 0)
        .put("lost", 0)
        .put("abandoned", 0)
        .put("total", parent ? 50 : 0);
    ArrayNode crashed = detail.putArray("crashedChildren");
    if (parent) {
      crashed.add(CRASHED_ID);
    }
    return detail;
  }

  private static ObjectNode historyEntry(String at, String status, String detail) {
    return JSON.createObjectNode().put("at", at).put("status", status).put("detail", detail);
  }

  private static ObjectNode progress(long done, Long total) {
    ObjectNode progress = JSON.createObjectNode().put("done", done);
    return total == null ? progress.putNull("total") : progress.put("total", total);
  }

  private ObjectNode flag(String type, String reason, long flaggedSecondsAgo, long latencyMs) {
    return JSON.createObjectNode()
        .put("type", type)
        .put("reason", reason)
        .put("flaggedAt", ago(Duration.ofSeconds(flaggedSecondsAgo)))
        .put("detectionLatencyMs", latencyMs);
  }

  private ArrayNode health() {
    ArrayNode health = JSON.createArrayNode();
    health.add(
        health("com.acme.billing.InvoiceRun#run", 93, 1412, 9, 0, 1800, 5400, 1)
            .set("topErrors", topErrors("SocketTimeoutException at LedgerClient.post", 9)));
    health.add(
        health(CRASHED_JOB, 58, 310, 4, 3, 42_000, 180_000, 7)
            .set("topErrors", topErrors("IllegalStateException: ledger locked", 4)));
    health.add(health(HOSTILE_NAME, 74, 88, 0, 2, 650, 2100, 3));
    return health;
  }

  private ObjectNode health(
      String name, int score, long completed, long failed, long crashed, long p50, long p95,
      int seed) {
    ObjectNode entry = JSON.createObjectNode().put("name", name).put("score", score);
    entry.putObject("counts").put("COMPLETED", completed).put("FAILED", failed).put("CRASHED", crashed);
    entry.putObject("durationMs").put("p50", p50).put("p95", p95);
    entry.putObject("errorCategories").put("timeout", failed).put("crash", crashed);
    ArrayNode trend = entry.putArray("trend");
    Instant hour = now.truncatedTo(java.time.temporal.ChronoUnit.HOURS);
    for (int i = 23; i >= 0; i--) {
      // A fixed wave, different per job: enough shape to judge the chart by eye.
      int wave = (i * 7 + seed * 5) % 11;
      trend
          .addObject()
          .put("hour", ISO_MILLIS.format(hour.minus(Duration.ofHours(i))))
          .put("completed", completed / 24 + wave * 3)
          .put("failed", i % (seed + 3) == 0 ? failed / 3 + 1 : 0)
          .put("flagged", i % 9 == seed % 9 ? crashed : 0);
    }
    return entry;
  }

  private ArrayNode topErrors(String signature, long count) {
    ArrayNode errors = JSON.createArrayNode();
    errors
        .addObject()
        .put("signature", signature)
        .put("type", "java.lang.RuntimeException")
        .put("count", count)
        .put("lastSeenAt", ago(Duration.ofMinutes(48)));
    return errors;
  }
}
