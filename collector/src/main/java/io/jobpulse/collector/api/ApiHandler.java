package io.jobpulse.collector.api;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.jobpulse.collector.dashboard.DashboardAsset;
import io.jobpulse.collector.dashboard.DashboardAssets;
import io.jobpulse.collector.http.BearerToken;
import io.jobpulse.collector.http.HttpResponses;
import io.jobpulse.collector.ingest.IngestLoop;
import io.jobpulse.collector.metrics.CollectorMetrics;
import io.jobpulse.collector.state.ChildStats;
import io.jobpulse.collector.state.FlagType;
import io.jobpulse.collector.state.Job;
import io.jobpulse.collector.state.JobStatus;
import io.jobpulse.collector.state.RunIndexes;
import io.jobpulse.collector.state.Worker;
import io.jobpulse.collector.state.WorkerState;
import io.jobpulse.collector.store.JobQuery;
import io.jobpulse.collector.store.JobStore;
import io.jobpulse.contract.Durations;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.QueryStringDecoder;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.stream.Stream;

/**
 * The REST API, {@code /metrics} and the dashboard's static files. Requests are handled on {@code
 * executor}, not on the event loop: RocksDB reads may touch the disk. Reads go straight to the
 * store; mutations go through the ingest thread like every other change. Errors are JSON {@code
 * {"error":"..."}}, never a stack trace.
 *
 * <p>{@code POST /api/jobs/reset-stuck?olderThan=30m}: every run the collector still believes
 * live (RUNNING, flagged STUCK/STALLED or not, or PENDING) that started more than {@code olderThan}
 * ago becomes ABANDONED, flag reason "reset by operator"; runs already over, CRASHED ones included,
 * are left alone. Answers {@code {"reset":n,"jobs":[ids]}}.
 *
 * <p>{@code DELETE /api/jobs?status=X[&olderThan=7d]}: removes the runs whose status is the
 * terminal status X (that ended more than {@code olderThan} ago), with their index entries; a live
 * status is refused (400). Answers {@code {"deleted":n}}.
 *
 * <p>With an API token set, every call but GET/HEAD needs {@code Authorization: Bearer <token>}
 * (401 otherwise).
 */
@ChannelHandler.Sharable
final class ApiHandler extends SimpleChannelInboundHandler<FullHttpRequest> {

  private static final System.Logger LOG = System.getLogger(ApiHandler.class.getName());

  static final int DEFAULT_LIMIT = 100;
  static final int MAX_LIMIT = 10_000;
  /** Response buffer sizes to start from: a listed run or worker is about 1 KiB of JSON. */
  private static final int JOB_SIZE_HINT = 1024;
  private static final int DETAIL_SIZE_HINT = 8 * 1024;
  private static final int SMALL_SIZE_HINT = 256;
  private static final String JOBS = "/api/jobs";
  private static final String JOBS_PREFIX = "/api/jobs/";
  private static final String RESET_STUCK = "/api/jobs/reset-stuck";
  private static final String HEALTH = "/api/health";
  private static final String METRICS = "/metrics";
  private static final List<String> TERMINAL_STATUSES =
      Stream.of(JobStatus.values()).filter(JobStatus::isTerminal).map(Enum::name).toList();
  private static final List<String> STATUS_VALUES = Stream.concat(
      Stream.of(JobStatus.values()).map(Enum::name), Stream.of(FlagType.values()).map(Enum::name))
      .distinct().toList();

  private final JobStore store;
  private final IngestLoop ingest;
  private final Clock clock;
  private final ObjectMapper json = new ObjectMapper();
  private final DashboardAssets dashboard;
  private final Executor executor;
  private final ApiServices services;
  private final BearerToken authorization;
  private final TerminalJobRemoval removal;

  ApiHandler(ApiServices services, DashboardAssets dashboard, Executor executor) {
    this.services = services;
    this.executor = executor;
    this.store = services.store();
    this.ingest = services.ingest();
    this.clock = services.clock();
    this.dashboard = dashboard;
    this.authorization = BearerToken.of(services.apiToken());
    this.removal = new TerminalJobRemoval(store, services.metrics().jobCounts());
  }

  @Override
  protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest request) {
    FullHttpRequest retained = request.retain();
    try {
      executor.execute(() -> {
        try {
          handle(ctx, retained);
        } finally {
          retained.release();
        }
      });
    } catch (RejectedExecutionException e) {
      retained.release(); // the collector is stopping
      ctx.close();
    }
  }

  private void handle(ChannelHandlerContext ctx, FullHttpRequest request) {
    boolean keepAlive = HttpUtil.isKeepAlive(request);
    QueryStringDecoder uri = new QueryStringDecoder(request.uri());
    String path = uri.path();
    HttpMethod method = request.method();
    try {
      if (!method.equals(HttpMethod.GET) && !method.equals(HttpMethod.HEAD)
          && !authorization.allows(request.headers().get(HttpHeaderNames.AUTHORIZATION))) {
        throw new ApiException(HttpResponseStatus.UNAUTHORIZED,
            "this call changes state: send Authorization: Bearer <the collector's API token>");
      }
      if (path.equals("/healthz")) {
        requireMethod(method, HttpMethod.GET);
        Optional<String> failure = services.ingest().writeFailure();
        if (failure.isPresent()) {
          // Requests are refused (503) and nothing acknowledged is lost, but the collector is not well.
          send(ctx, keepAlive, HttpResponseStatus.SERVICE_UNAVAILABLE, json.createObjectNode()
              .put("status", "failing").put("reason", "received spans cannot be written: " + failure.get()));
        } else {
          send(ctx, keepAlive, HttpResponseStatus.OK, json.createObjectNode().put("status", "ok"));
        }
      } else if (dashboard.find(path).isPresent()) {
        requireMethod(method, HttpMethod.GET);
        sendAsset(ctx, keepAlive, dashboard.find(path).get(), request.headers().get(HttpHeaderNames.IF_NONE_MATCH));
      } else if (path.equals(JOBS) && method.equals(HttpMethod.DELETE)) {
        deleteJobs(ctx, keepAlive, uri.parameters());
      } else if (path.equals(JOBS)) {
        requireMethod(method, HttpMethod.GET);
        listJobs(ctx, keepAlive, uri.parameters());
      } else if (path.equals(HEALTH)) {
        requireMethod(method, HttpMethod.GET);
        ObjectNode body = json.createObjectNode();
        body.set("jobs", json.valueToTree(services.health().lastDay(clock.millis(), single(uri.parameters(), "service"))));
        send(ctx, keepAlive, HttpResponseStatus.OK, body);
      } else if (path.equals(METRICS)) {
        requireMethod(method, HttpMethod.GET);
        HttpResponses.send(ctx, keepAlive, HttpResponses.of(HttpResponseStatus.OK, CollectorMetrics.CONTENT_TYPE,
            services.metrics().scrape()));
      } else if (path.equals(RESET_STUCK)) {
        requireMethod(method, HttpMethod.POST);
        resetStuck(ctx, keepAlive, uri.parameters());
      } else if (path.startsWith(JOBS_PREFIX) && path.indexOf('/', JOBS_PREFIX.length()) < 0) {
        requireMethod(method, HttpMethod.GET);
        String id = QueryStringDecoder.decodeComponent(path.substring(JOBS_PREFIX.length()));
        Job job = services.runs().job(id).orElseThrow(() -> new ApiException(HttpResponseStatus.NOT_FOUND, "no job " + id));
        ChildStats children = RunIndexes.childStats(store, id);
        send(ctx, keepAlive, HttpResponseStatus.OK, DETAIL_SIZE_HINT, out -> JsonViews.jobDetail(out, job, children));
      } else if (path.equals("/api/workers")) {
        requireMethod(method, HttpMethod.GET);
        listWorkers(ctx, keepAlive);
      } else {
        throw new ApiException(HttpResponseStatus.NOT_FOUND, "no such path " + path);
      }
    } catch (ApiException e) {
      sendError(ctx, keepAlive, e);
    } catch (RuntimeException e) {
      LOG.log(System.Logger.Level.ERROR, "API request " + method + " " + path + " failed", e);
      sendError(ctx, keepAlive, new ApiException(HttpResponseStatus.INTERNAL_SERVER_ERROR,
          "internal error: " + e.getClass().getSimpleName()));
    }
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    ctx.close();
  }

  private void listJobs(ChannelHandlerContext ctx, boolean keepAlive, Map<String, List<String>> parameters) {
    String status = single(parameters, "status");
    if (status != null) {
      status = status.toUpperCase(Locale.ROOT);
      if (!STATUS_VALUES.contains(status)) {
        throw new ApiException(HttpResponseStatus.BAD_REQUEST,
            "unknown status '" + single(parameters, "status") + "'; allowed: " + String.join(", ", STATUS_VALUES));
      }
    }
    int offset = offset(parameters);
    String before = single(parameters, "before");
    JobQuery query;
    try {
      query = new JobQuery(status, single(parameters, "name"), single(parameters, "service"), limit(parameters),
          before, offset);
    } catch (IllegalArgumentException e) {
      throw new ApiException(HttpResponseStatus.BAD_REQUEST, "before: " + e.getMessage());
    }
    List<Job> page = services.runs().jobs(query);
    // A full page may have a next one: its cursor resumes right after this page's last run.
    String next = page.size() == query.limit() ? JobQuery.cursorOf(page.get(page.size() - 1)) : null;
    send(ctx, keepAlive, HttpResponseStatus.OK, page.size() * JOB_SIZE_HINT, out -> {
      out.writeStartObject();
      out.writeArrayFieldStart("jobs");
      for (Job job : page) {
        JsonViews.job(out, job);
      }
      out.writeEndArray();
      out.writeStringField("next", next);
      out.writeEndObject();
    });
  }

  private void listWorkers(ChannelHandlerContext ctx, boolean keepAlive) {
    long now = clock.millis();
    List<Worker> workers = store.workers();
    send(ctx, keepAlive, HttpResponseStatus.OK, workers.size() * JOB_SIZE_HINT, out -> {
      out.writeStartObject();
      out.writeArrayFieldStart("workers");
      for (Worker worker : workers) {
        JsonViews.startWorker(out, worker);
        long until = worker.state() == WorkerState.ALIVE ? now : worker.lastSeenAt();
        out.writeNumberField("uptimeSeconds", Math.max(0, until - worker.firstSeenAt()) / 1000);
        out.writeStringField("lease", services.leases().of(worker.id()).name().toLowerCase(Locale.ROOT));
        out.writeArrayFieldStart("currentJobs");
        for (String id : worker.jobs()) {
          Job job = services.runs().job(id).orElse(null);
          if (job != null) {
            out.writeStartObject();
            out.writeStringField("id", job.id());
            out.writeStringField("name", job.name());
            out.writeStringField("status", job.status().name());
            out.writeStringField("startedAt", Times.format(job.startedAt()));
            out.writeNumberField("progressDone", job.progressDone());
            if (job.progressTotal() == null) {
              out.writeNullField("progressTotal");
            } else {
              out.writeNumberField("progressTotal", job.progressTotal().longValue());
            }
            out.writeEndObject();
          }
        }
        out.writeEndArray();
        out.writeEndObject();
      }
      out.writeEndArray();
      out.writeEndObject();
    });
  }

  private void deleteJobs(ChannelHandlerContext ctx, boolean keepAlive, Map<String, List<String>> parameters) {
    String statusText = single(parameters, "status");
    String status = statusText == null ? null : statusText.toUpperCase(Locale.ROOT);
    if (status == null || !TERMINAL_STATUSES.contains(status)) {
      throw new ApiException(HttpResponseStatus.BAD_REQUEST, (status == null ? "status is required"
          : status.equals("RUNNING") || status.equals("PENDING")
              ? "running and pending jobs are never deleted (use reset-stuck for stuck ones)"
              : "jobs cannot be deleted by '" + statusText + "'")
          + "; allowed: " + String.join(", ", TERMINAL_STATUSES));
    }
    String olderThanText = single(parameters, "olderThan");
    long endedBefore = olderThanText == null ? Long.MAX_VALUE : clock.millis() - duration("olderThan", olderThanText).toMillis();
    removeFrom(ctx, keepAlive, JobStatus.valueOf(status), endedBefore, null, 0);
  }

  /** Removes one page on the ingest thread, then queues the next: ingest is never held up for long. */
  private void removeFrom(ChannelHandlerContext ctx, boolean keepAlive, JobStatus status, long endedBefore,
      String cursor, int removedSoFar) {
    CompletableFuture<TerminalJobRemoval.Page> page =
        ingest.trySubmit(stateMachine -> removal.removePage(status, endedBefore, cursor));
    if (page == null) {
      sendError(ctx, keepAlive, new ApiException(HttpResponseStatus.SERVICE_UNAVAILABLE,
          "the collector is busy; retry later (" + removedSoFar + " job(s) deleted so far)"));
      return;
    }
    page.whenComplete((done, failure) -> {
      if (failure != null) {
        sendError(ctx, keepAlive, new ApiException(HttpResponseStatus.SERVICE_UNAVAILABLE,
            "delete failed after " + removedSoFar + " job(s): " + failure.getMessage()));
      } else if (done.next() != null) {
        removeFrom(ctx, keepAlive, status, endedBefore, done.next(), removedSoFar + done.removed());
      } else {
        send(ctx, keepAlive, HttpResponseStatus.OK, json.createObjectNode().put("deleted", removedSoFar + done.removed()));
      }
    });
  }

  private void resetStuck(ChannelHandlerContext ctx, boolean keepAlive, Map<String, List<String>> parameters) {
    String olderThanText = single(parameters, "olderThan");
    if (olderThanText == null) {
      throw new ApiException(HttpResponseStatus.BAD_REQUEST, "olderThan is required, e.g. olderThan=30m");
    }
    Duration olderThan = duration("olderThan", olderThanText);
    CompletableFuture<List<String>> reset = ingest.trySubmit(stateMachine -> stateMachine.resetStuck(olderThan));
    if (reset == null) {
      throw new ApiException(HttpResponseStatus.SERVICE_UNAVAILABLE, "the collector is busy; retry later");
    }
    reset.whenComplete((ids, failure) -> {
      if (failure != null) {
        sendError(ctx, keepAlive, new ApiException(HttpResponseStatus.SERVICE_UNAVAILABLE,
            "reset failed: " + failure.getMessage()));
        return;
      }
      ObjectNode body = json.createObjectNode();
      body.put("reset", ids.size());
      ArrayNode jobs = body.putArray("jobs");
      ids.forEach(jobs::add);
      send(ctx, keepAlive, HttpResponseStatus.OK, body);
    });
  }

  private static Duration duration(String parameter, String text) {
    try {
      Duration duration = Durations.parse(text);
      duration.toMillis(); // callers count in milliseconds: 999999999999999999m does not fit
      return duration;
    } catch (IllegalArgumentException e) {
      throw new ApiException(HttpResponseStatus.BAD_REQUEST, parameter + ": " + e.getMessage());
    } catch (ArithmeticException e) {
      throw new ApiException(HttpResponseStatus.BAD_REQUEST, parameter + ": '" + text + "' is too long a duration");
    }
  }

  private static int offset(Map<String, List<String>> parameters) {
    String text = single(parameters, "offset");
    if (text == null) {
      return 0;
    }
    try {
      int offset = Integer.parseInt(text.trim());
      if (offset >= 0) {
        return offset;
      }
    } catch (NumberFormatException e) {
      // answered below
    }
    throw new ApiException(HttpResponseStatus.BAD_REQUEST, "offset must be a non-negative integer: '" + text + "'");
  }

  private static int limit(Map<String, List<String>> parameters) {
    String text = single(parameters, "limit");
    if (text == null) {
      return DEFAULT_LIMIT;
    }
    long limit;
    try {
      limit = Long.parseLong(text.trim());
    } catch (NumberFormatException e) {
      limit = text.trim().matches("\\d+") ? Long.MAX_VALUE : 0; // all digits but too long: just large
    }
    if (limit <= 0) {
      throw new ApiException(HttpResponseStatus.BAD_REQUEST,
          "limit must be a positive integer (default " + DEFAULT_LIMIT + ", at most " + MAX_LIMIT + "): '" + text + "'");
    }
    return (int) Math.min(limit, MAX_LIMIT);
  }

  private static String single(Map<String, List<String>> parameters, String name) {
    List<String> values = parameters.get(name);
    if (values == null || values.isEmpty() || values.get(0).isEmpty()) {
      return null;
    }
    return values.get(0);
  }

  private static void requireMethod(HttpMethod actual, HttpMethod allowed) {
    if (!actual.equals(allowed)) {
      throw new ApiException(HttpResponseStatus.METHOD_NOT_ALLOWED,
          actual + " is not allowed here; use " + allowed).allow(allowed);
    }
  }

  private void send(ChannelHandlerContext ctx, boolean keepAlive, HttpResponseStatus status, Object body) {
    send(ctx, keepAlive, status, SMALL_SIZE_HINT, out -> json.writeValue(out, body));
  }

  /** What writes a response's JSON body. */
  @FunctionalInterface
  private interface JsonBody {
    void writeTo(JsonGenerator out) throws IOException;
  }

  /**
   * Streams {@code body} to the client as it is written ({@link StreamedBody}). A failure before
   * its first chunk sends nothing of it, and the caller answers with an error instead; after, the
   * connection is closed.
   *
   * @param sizeHint the expected size in bytes, so a small body is not copied as it grows
   */
  private void send(ChannelHandlerContext ctx, boolean keepAlive, HttpResponseStatus status, int sizeHint,
      JsonBody body) {
    StreamedBody stream = new StreamedBody(ctx, keepAlive, status, sizeHint);
    boolean written = false;
    try {
      try (JsonGenerator out = json.getFactory().createGenerator((OutputStream) stream)) {
        body.writeTo(out);
      }
      written = true;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write JSON", e);
    } finally {
      if (written) {
        stream.finish();
      } else {
        stream.abort();
      }
    }
  }

  private void sendError(ChannelHandlerContext ctx, boolean keepAlive, ApiException e) {
    ObjectNode body = json.createObjectNode().put("error", e.getMessage());
    byte[] bytes;
    try {
      bytes = json.writeValueAsBytes(body);
    } catch (JsonProcessingException impossible) {
      throw new IllegalStateException(impossible);
    }
    FullHttpResponse response = HttpResponses.of(e.status(), HttpHeaderValues.APPLICATION_JSON, bytes);
    if (e.allowed() != null) {
      response.headers().set(HttpHeaderNames.ALLOW, e.allowed().name());
    }
    if (e.status().equals(HttpResponseStatus.UNAUTHORIZED)) {
      response.headers().set(HttpHeaderNames.WWW_AUTHENTICATE, "Bearer");
    }
    HttpResponses.send(ctx, keepAlive, response);
  }

  private static void sendAsset(ChannelHandlerContext ctx, boolean keepAlive, DashboardAsset asset, String ifNoneMatch) {
    FullHttpResponse response;
    if (asset.notModified(ifNoneMatch)) {
      response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.NOT_MODIFIED);
      response.headers().setInt(HttpHeaderNames.CONTENT_LENGTH, 0);
    } else {
      response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK,
          Unpooled.wrappedBuffer(asset.content()));
      response.headers().setInt(HttpHeaderNames.CONTENT_LENGTH, asset.length());
    }
    asset.headers().forEach(response.headers()::set);
    HttpResponses.send(ctx, keepAlive, response);
  }

  /** A request the API refuses, with its status. */
  private static final class ApiException extends RuntimeException {
    private final HttpResponseStatus status;
    private HttpMethod allowed;

    ApiException(HttpResponseStatus status, String message) {
      super(message, null, false, false);
      this.status = status;
    }

    ApiException allow(HttpMethod method) {
      this.allowed = method;
      return this;
    }

    HttpResponseStatus status() {
      return status;
    }

    HttpMethod allowed() {
      return allowed;
    }
  }
}
