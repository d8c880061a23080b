package io.jobpulse.collector.cli;

import com.fasterxml.jackson.databind.JsonNode;
import io.jobpulse.collector.CollectorConfig;
import io.jobpulse.collector.alert.AlertConfig;
import io.jobpulse.collector.JobPulseCollector;
import io.jobpulse.collector.detect.DetectionSettings;
import io.jobpulse.collector.detect.JobRule;
import io.jobpulse.collector.forward.ForwardConfig;
import io.jobpulse.contract.Durations;
import java.io.PrintStream;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code serve}: runs the collector until the process is told to stop (SIGTERM, Ctrl-C). */
@Command(name = "serve", mixinStandardHelpOptions = true,
    description = "Run the collector. Settings: flag > JOBPULSE_* environment > --config YAML > default.")
final class ServeCommand implements Callable<Integer> {

  static final String DATA_DIR = "data-dir";
  static final String OTLP_PORT = "otlp-port";
  static final String OTLP_GRPC_PORT = "otlp-grpc-port";
  static final String HTTP_PORT = "http-port";
  static final String HEARTBEAT_MISSES = "heartbeat-misses";
  static final String CONFIG = "config";
  static final String API_TOKEN = "api-token";
  /**
   * YAML (or JOBPULSE_ALERTS): {webhooks: [{url: ..., format: json|slack, notifyCompleted: false}],
   * failures: {minFailures: 10, ratio: 0.5, window: 15m}}; {@code failures: off} turns the
   * failure-storm alert off, without {@code failures} it has those defaults.
   */
  static final String ALERTS = "alerts";
  static final String MAX_RUNTIME = "max-runtime";
  static final String STALL_TIMEOUT = "stall-timeout";
  static final String QUEUE_TIMEOUT = "queue-timeout";
  static final String LOST_AFTER = "lost-after";
  /** YAML (or JOBPULSE_JOB_LIMITS) only: per-job-name limits, [{match: "com.acme..*#run", maxRuntime: 30m}]. */
  static final String JOB_LIMITS = "job-limits";
  /**
   * The older YAML key of {@link #JOB_LIMITS}, read from a config file only when it has no
   * {@code job-limits}. Never from the environment: JOBPULSE_JOBS is the agent's matcher list.
   */
  static final String LEGACY_JOBS = "jobs";
  static final String FORWARD_ENDPOINT = "forward-endpoint";
  static final String FORWARD_HEARTBEATS = "forward-heartbeats";
  /** YAML (or JOBPULSE_FORWARD): {endpoint: http://otel-collector:4318, heartbeats: false, headers: {...}}. */
  static final String FORWARD = "forward";
  static final String BIND = "bind";
  static final String FSYNC = "fsync";
  static final String INGEST_TOKEN = "ingest-token";
  static final String INGEST_QUEUE_CAPACITY = "ingest-queue-capacity";
  static final String WORKER_RETENTION = "worker-retention";

  @Option(names = "--" + DATA_DIR, description = "RocksDB directory (default ./jobpulse-data).")
  String dataDir;

  @Option(names = "--" + OTLP_PORT, description = "OTLP/HTTP and lease port (default 4318, 0 = any free port).")
  String otlpPort;

  @Option(names = "--" + OTLP_GRPC_PORT, description = "OTLP/gRPC port (default 4317, 0 = any free port).")
  String otlpGrpcPort;

  @Option(names = "--" + HTTP_PORT, description = "REST API and dashboard port (default 8090, 0 = any free port).")
  String httpPort;

  @Option(names = "--" + HEARTBEAT_MISSES, description = "Missed heartbeat intervals before a worker is dead (default 3).")
  String heartbeatMisses;

  @Option(names = "--" + MAX_RUNTIME,
      description = "Running longer than this is STUCK, e.g. 30m (default off); per job name in YAML 'job-limits'.")
  String maxRuntime;

  @Option(names = "--" + STALL_TIMEOUT, description = "Alive without progress this long is STALLED (default 5m, 'off').")
  String stallTimeout;

  @Option(names = "--" + QUEUE_TIMEOUT,
      description = "Enqueued and not started this long is PENDING_TOO_LONG (default 10m, 'off').")
  String queueTimeout;

  @Option(names = "--" + LOST_AFTER,
      description = "Heartbeats of an alive worker that leave a run out before it is LOST (default 3).")
  String lostAfter;

  @Option(names = "--" + API_TOKEN, description = "Token mutating API calls must present as Authorization: Bearer "
      + "(default none; better from JOBPULSE_API_TOKEN than a flag others can see in ps).")
  String apiToken;

  @Option(names = "--alert-webhook", paramLabel = "URL",
      description = "POST a JSON alert here (repeatable); more in YAML 'alerts'. Flags replace the YAML's list.")
  List<String> alertWebhooks;

  @Option(names = "--" + FORWARD_ENDPOINT, description = "Forward received spans, and an end for every crashed or "
      + "lost job, to this OTLP/HTTP endpoint (e.g. http://otel-collector:4318); more in YAML 'forward'.")
  String forwardEndpoint;

  @Option(names = "--" + FORWARD_HEARTBEATS, arity = "0..1", fallbackValue = "true",
      description = "Forward heartbeat spans too (default false).")
  String forwardHeartbeats;

  @Option(names = "--forward-header", paramLabel = "NAME=VALUE",
      description = "A header sent with forwarded spans (repeatable), added to YAML 'forward.headers'.")
  Map<String, String> forwardHeaders;

  @Option(names = "--" + BIND, description = "Address every port listens on (default 0.0.0.0, all; 127.0.0.1: this host only).")
  String bind;

  @Option(names = "--" + FSYNC, arity = "0..1", fallbackValue = "true",
      description = "Sync every write to disk before acknowledging it: survives power loss, costs throughput (default false).")
  String fsync;

  @Option(names = "--" + INGEST_TOKEN, description = "Token OTLP senders (HTTP, gRPC, lease) must present as Authorization: "
      + "Bearer (default none; better from JOBPULSE_INGEST_TOKEN than a flag others can see in ps).")
  String ingestToken;

  @Option(names = "--" + INGEST_QUEUE_CAPACITY,
      description = "OTLP requests that may wait for the ingest thread before senders get 503 + Retry-After (default 1024).")
  String ingestQueueCapacity;

  @Option(names = "--" + WORKER_RETENTION,
      description = "How long a stopped or dead worker is kept before it is forgotten, e.g. 2d (default 7d).")
  String workerRetention;

  @Option(names = "--" + CONFIG, description = "YAML file of settings (keys as the flags: http-port: 8090).")
  Path config;

  private final Map<String, String> environment;
  private final PrintStream out;

  ServeCommand(Map<String, String> environment, PrintStream out) {
    this.environment = environment;
    this.out = out;
  }

  @Override
  public Integer call() throws InterruptedException {
    JobPulseCollector collector = new JobPulseCollector(resolve()).start();
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      collector.stop();
      stopped.countDown();
    }, "jobpulse-shutdown"));
    out.println(startedLine(collector));
    out.println("API and dashboard: http://localhost:" + collector.httpPort() + "/");
    out.flush();
    stopped.await();
    return 0;
  }

  /** The settings from flags, environment, YAML and defaults. */
  CollectorConfig resolve() {
    Map<String, String> flags = new HashMap<>();
    putIfGiven(flags, DATA_DIR, dataDir);
    putIfGiven(flags, OTLP_PORT, otlpPort);
    putIfGiven(flags, OTLP_GRPC_PORT, otlpGrpcPort);
    putIfGiven(flags, HTTP_PORT, httpPort);
    putIfGiven(flags, HEARTBEAT_MISSES, heartbeatMisses);
    putIfGiven(flags, MAX_RUNTIME, maxRuntime);
    putIfGiven(flags, STALL_TIMEOUT, stallTimeout);
    putIfGiven(flags, QUEUE_TIMEOUT, queueTimeout);
    putIfGiven(flags, LOST_AFTER, lostAfter);
    putIfGiven(flags, API_TOKEN, apiToken);
    putIfGiven(flags, FORWARD_ENDPOINT, forwardEndpoint);
    putIfGiven(flags, FORWARD_HEARTBEATS, forwardHeartbeats);
    putIfGiven(flags, BIND, bind);
    putIfGiven(flags, FSYNC, fsync);
    putIfGiven(flags, INGEST_TOKEN, ingestToken);
    putIfGiven(flags, INGEST_QUEUE_CAPACITY, ingestQueueCapacity);
    putIfGiven(flags, WORKER_RETENTION, workerRetention);
    String configFile = config != null ? config.toString() : environment.get(SettingSources.environmentName(CONFIG));
    SettingSources sources = SettingSources.of(flags, environment,
        configFile == null || configFile.isBlank() ? null : Path.of(configFile));
    String dir = sources.text(DATA_DIR);
    String bindHost = sources.text(BIND);
    String fsyncText = sources.text(FSYNC);
    if (fsyncText != null && !fsyncText.equalsIgnoreCase("true") && !fsyncText.equalsIgnoreCase("false")) {
      throw new IllegalArgumentException(sources.describe(FSYNC) + " must be true or false, got '" + fsyncText + "'");
    }
    return CollectorConfig.builder()
        .dataDir(Path.of(dir != null ? dir : CollectorConfig.DEFAULT_DATA_DIR))
        .bindHost(bindHost != null && !bindHost.isBlank() ? bindHost.trim() : CollectorConfig.DEFAULT_BIND_HOST)
        .fsync(Boolean.parseBoolean(fsyncText))
        .ingestToken(sources.text(INGEST_TOKEN))
        .ingestQueueCapacity(sources.integer(INGEST_QUEUE_CAPACITY, CollectorConfig.DEFAULT_INGEST_QUEUE_CAPACITY))
        .workerRetention(workerRetention(sources))
        .otlpPort(sources.integer(OTLP_PORT, CollectorConfig.DEFAULT_OTLP_PORT))
        .otlpGrpcPort(sources.integer(OTLP_GRPC_PORT, CollectorConfig.DEFAULT_OTLP_GRPC_PORT))
        .httpPort(sources.integer(HTTP_PORT, CollectorConfig.DEFAULT_HTTP_PORT))
        .heartbeatMisses(sources.integer(HEARTBEAT_MISSES, CollectorConfig.DEFAULT_HEARTBEAT_MISSES))
        .detection(detection(sources))
        .apiToken(sources.text(API_TOKEN))
        .alerts(alerts(sources))
        .forward(forward(sources))
        .build();
  }

  /** Forwarding, or {@code null} when no endpoint is given: flags and JOBPULSE_FORWARD_* win over 'forward'. */
  private ForwardConfig forward(SettingSources sources) {
    JsonNode forward = sources.tree(FORWARD);
    if (forward != null && !forward.isObject()) {
      throw new IllegalArgumentException(sources.describe(FORWARD)
          + " must be a mapping {endpoint: http://otel-collector:4318, heartbeats: false, headers: {name: value}}");
    }
    String endpoint = firstNonNull(sources.text(FORWARD_ENDPOINT), text(forward, "endpoint"));
    if (endpoint == null || endpoint.isBlank()) {
      return null;
    }
    ForwardConfig.Builder builder;
    try {
      builder = ForwardConfig.builder(endpoint);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(sources.describe(FORWARD_ENDPOINT) + ": " + e.getMessage());
    }
    String heartbeats = firstNonNull(sources.text(FORWARD_HEARTBEATS), text(forward, "heartbeats"));
    if (heartbeats != null) {
      if (!heartbeats.equalsIgnoreCase("true") && !heartbeats.equalsIgnoreCase("false")) {
        throw new IllegalArgumentException(sources.describe(FORWARD_HEARTBEATS) + " must be true or false, got '"
            + heartbeats + "'");
      }
      builder.heartbeats(Boolean.parseBoolean(heartbeats));
    }
    JsonNode headers = forward == null ? null : forward.get("headers");
    if (headers != null && !headers.isNull()) {
      if (!headers.isObject()) {
        throw new IllegalArgumentException(sources.describe(FORWARD) + ": headers must be a mapping {name: value}");
      }
      headers.fields().forEachRemaining(header -> builder.header(header.getKey(), header.getValue().asText()));
    }
    if (forwardHeaders != null) {
      builder.headers(forwardHeaders);
    }
    return builder.build();
  }

  private static String text(JsonNode mapping, String field) {
    JsonNode node = mapping == null ? null : mapping.get(field);
    return node == null || node.isNull() ? null : node.asText();
  }

  private static String firstNonNull(String preferred, String fallback) {
    return preferred != null ? preferred : fallback;
  }

  private AlertConfig alerts(SettingSources sources) {
    List<AlertConfig.Webhook> webhooks = new ArrayList<>();
    JsonNode alerts = sources.tree(ALERTS);
    if (alertWebhooks != null && !alertWebhooks.isEmpty()) {
      // The flags replace the YAML's list, not its failure-storm thresholds.
      alertWebhooks.forEach(url -> webhooks.add(webhook(url, "json", false)));
      JsonNode failures = alerts != null && alerts.isObject() ? alerts.get("failures") : null;
      return AlertConfig.of(webhooks).withFailures(failureStorm(sources, failures));
    }
    if (alerts == null) {
      return AlertConfig.NONE;
    }
    JsonNode list = alerts.path("webhooks");
    if (!alerts.isObject() || !(list.isArray() || list.isMissingNode())) {
      throw new IllegalArgumentException(sources.describe(ALERTS) + " must be a mapping {webhooks: [{url: ..., "
          + "format: json|slack, notifyCompleted: false}], failures: {minFailures: 10, ratio: 0.5, window: 15m}}");
    }
    for (JsonNode entry : list) {
      if (!entry.path("url").isTextual()) {
        throw new IllegalArgumentException(sources.describe(ALERTS) + ": every webhook needs a url: " + entry);
      }
      webhooks.add(webhook(entry.path("url").asText(), entry.path("format").asText("json"),
          entry.path("notifyCompleted").asBoolean(false)));
    }
    return AlertConfig.of(webhooks).withFailures(failureStorm(sources, alerts.get("failures")));
  }

  /**
   * 'alerts.failures': absent (or true) for the defaults, 'off' (or false) for none, else a mapping
   * {minFailures: 10, ratio: 0.5, window: 15m} whose missing keys take the defaults.
   */
  private static AlertConfig.FailureStorm failureStorm(SettingSources sources, JsonNode failures) {
    if (failures == null || failures.isNull() || failures.isMissingNode()
        || (failures.isBoolean() && failures.booleanValue())) {
      return AlertConfig.FailureStorm.DEFAULT;
    }
    // YAML 1.1 reads an unquoted off as the boolean false.
    if ((failures.isBoolean() && !failures.booleanValue())
        || (failures.isTextual() && failures.asText().trim().equalsIgnoreCase(DetectionSettings.OFF))) {
      return AlertConfig.FailureStorm.OFF;
    }
    String what = sources.describe(ALERTS);
    if (!failures.isObject()) {
      throw new IllegalArgumentException(what + ": failures must be 'off' or a mapping {minFailures: 10, ratio: 0.5, "
          + "window: 15m}, got " + failures);
    }
    failures.fieldNames().forEachRemaining(key -> {
      if (!List.of("minFailures", "ratio", "window").contains(key)) {
        throw new IllegalArgumentException(what + ": unknown key failures." + key + "; allowed: minFailures, ratio, "
            + "window");
      }
    });
    int minFailures = AlertConfig.FailureStorm.DEFAULT_MIN_FAILURES;
    JsonNode node = failures.get("minFailures");
    if (node != null && !node.isNull()) {
      if (!(node.isIntegralNumber() && node.canConvertToInt())) {
        throw new IllegalArgumentException(what + ": failures.minFailures must be a whole number, got " + node);
      }
      minFailures = node.intValue();
    }
    double ratio = AlertConfig.FailureStorm.DEFAULT_RATIO;
    node = failures.get("ratio");
    if (node != null && !node.isNull()) {
      if (!node.isNumber()) {
        throw new IllegalArgumentException(what + ": failures.ratio must be a number, e.g. 0.5, got " + node);
      }
      ratio = node.doubleValue();
    }
    Duration window = AlertConfig.FailureStorm.DEFAULT_WINDOW;
    node = failures.get("window");
    if (node != null && !node.isNull()) {
      try {
        window = Durations.parse(node.asText());
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException(what + ": failures.window: " + e.getMessage());
      }
    }
    if (minFailures < 1) { // else 0, 0 and 0m would make OFF quietly
      throw new IllegalArgumentException(what + ": failures.minFailures must be at least 1, got " + minFailures);
    }
    try {
      return new AlertConfig.FailureStorm(minFailures, ratio, window);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(what + ": " + e.getMessage());
    }
  }

  private static AlertConfig.Webhook webhook(String url, String format, boolean notifyCompleted) {
    try {
      return new AlertConfig.Webhook(URI.create(url.trim()), AlertConfig.Format.parse(format), notifyCompleted);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("alert webhook: " + e.getMessage());
    }
  }

  private static DetectionSettings detection(SettingSources sources) {
    DetectionSettings.Builder detection = DetectionSettings.builder()
        .lostAfter(sources.integer(LOST_AFTER, DetectionSettings.DEFAULT_LOST_AFTER));
    String text = sources.text(MAX_RUNTIME);
    if (text != null) {
      detection.maxRuntime(DetectionSettings.parseLimit(sources.describe(MAX_RUNTIME), text));
    }
    text = sources.text(STALL_TIMEOUT);
    if (text != null) {
      detection.stallTimeout(DetectionSettings.parseLimit(sources.describe(STALL_TIMEOUT), text));
    }
    text = sources.text(QUEUE_TIMEOUT);
    if (text != null) {
      detection.queueTimeout(DetectionSettings.parseLimit(sources.describe(QUEUE_TIMEOUT), text));
    }
    return detection.rules(jobLimits(sources)).build();
  }

  /** 'job-limits' (JOBPULSE_JOB_LIMITS, else the file), else the file's older 'jobs' key. */
  private static List<JobRule> jobLimits(SettingSources sources) {
    JsonNode limits = sources.tree(JOB_LIMITS);
    if (limits != null) {
      return DetectionSettings.parseRules(limits, JOB_LIMITS);
    }
    // A config file belongs to the collector alone, so its old 'jobs:' key cannot clash with the
    // agent's JOBPULSE_JOBS (its job matchers): still read it, but only from the file.
    JsonNode legacy = sources.fileTree(LEGACY_JOBS);
    try {
      return DetectionSettings.parseRules(legacy, LEGACY_JOBS);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(e.getMessage() + " (config file key 'jobs', the older name of "
          + JOB_LIMITS + ")");
    }
  }

  private static Duration workerRetention(SettingSources sources) {
    String text = sources.text(WORKER_RETENTION);
    if (text == null) {
      return CollectorConfig.DEFAULT_WORKER_RETENTION;
    }
    Duration retention;
    try {
      retention = Durations.parse(text);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(sources.describe(WORKER_RETENTION) + ": " + e.getMessage());
    }
    if (retention.isZero()) {
      throw new IllegalArgumentException(sources.describe(WORKER_RETENTION) + " must be longer than 0, e.g. 7d");
    }
    return retention;
  }

  static String startedLine(JobPulseCollector collector) {
    return "JobPulse collector started: otlp-http=" + collector.otlpPort() + " otlp-grpc=" + collector.otlpGrpcPort()
        + " http=" + collector.httpPort() + " data-dir=" + collector.config().dataDir();
  }

  private static void putIfGiven(Map<String, String> flags, String name, String value) {
    if (value != null) {
      flags.put(name, value);
    }
  }
}
