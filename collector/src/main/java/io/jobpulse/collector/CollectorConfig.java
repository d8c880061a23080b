package io.jobpulse.collector;

import io.jobpulse.collector.detect.DetectionSettings;
import io.jobpulse.collector.alert.AlertConfig;
import io.jobpulse.collector.forward.ForwardConfig;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * The collector's settings. Immutable; build with {@link #builder()}. A port of {@code 0} means any
 * free port; the bound ports are then asked from {@link JobPulseCollector}.
 */
public final class CollectorConfig {

  public static final String DEFAULT_DATA_DIR = "./jobpulse-data";
  public static final int DEFAULT_OTLP_PORT = 4318;
  public static final int DEFAULT_OTLP_GRPC_PORT = 4317;
  public static final int DEFAULT_HTTP_PORT = 8090;
  public static final int DEFAULT_HEARTBEAT_MISSES = 3;
  public static final String DEFAULT_BIND_HOST = "0.0.0.0";
  public static final int DEFAULT_INGEST_QUEUE_CAPACITY = 1024;
  /** How long a stopped or dead worker is kept before it is forgotten. */
  public static final Duration DEFAULT_WORKER_RETENTION = Duration.ofDays(7);

  private final Path dataDir;
  private final String bindHost;
  private final int otlpPort;
  private final int otlpGrpcPort;
  private final int httpPort;
  private final int heartbeatMisses;
  private final int maxRequestBytes;
  private final int maxDecompressedBytes;
  private final int ingestQueueCapacity;
  private final Duration detectorTick;
  private final Duration leaseIdleTimeout;
  private final Duration requestTimeout;
  private final Duration workerRetention;
  private final boolean fsync;
  private final Optional<String> ingestToken;
  private final Clock clock;
  private final Optional<String> apiToken;
  private final AlertConfig alerts;
  private final ForwardConfig forward;
  private final DetectionSettings detection;

  private CollectorConfig(Builder b) {
    dataDir = b.dataDir.toAbsolutePath().normalize();
    bindHost = b.bindHost;
    otlpPort = port("otlp port", b.otlpPort);
    otlpGrpcPort = port("otlp grpc port", b.otlpGrpcPort);
    httpPort = port("http port", b.httpPort);
    heartbeatMisses = positive("heartbeat misses", b.heartbeatMisses);
    maxRequestBytes = positive("max request bytes", b.maxRequestBytes);
    maxDecompressedBytes = positive("max decompressed bytes", b.maxDecompressedBytes);
    ingestQueueCapacity = positive("ingest queue capacity", b.ingestQueueCapacity);
    detectorTick = Objects.requireNonNull(b.detectorTick, "detectorTick");
    leaseIdleTimeout = Objects.requireNonNull(b.leaseIdleTimeout, "leaseIdleTimeout");
    requestTimeout = Objects.requireNonNull(b.requestTimeout, "requestTimeout");
    if (requestTimeout.isNegative() || requestTimeout.isZero()) {
      throw new IllegalArgumentException("request timeout must be positive: " + requestTimeout);
    }
    workerRetention = Objects.requireNonNull(b.workerRetention, "workerRetention");
    if (workerRetention.isNegative() || workerRetention.isZero()) {
      throw new IllegalArgumentException("worker retention must be positive: " + workerRetention);
    }
    fsync = b.fsync;
    ingestToken = Optional.ofNullable(b.ingestToken).filter(token -> !token.isBlank());
    clock = Objects.requireNonNull(b.clock, "clock");
    apiToken = Optional.ofNullable(b.apiToken).filter(token -> !token.isBlank());
    alerts = Objects.requireNonNull(b.alerts, "alerts");
    forward = b.forward;
    detection = Objects.requireNonNull(b.detection, "detection");
  }

  public static Builder builder() {
    return new Builder();
  }

  /** Where RocksDB keeps its files; absolute. */
  public Path dataDir() {
    return dataDir;
  }

  public String bindHost() {
    return bindHost;
  }

  public int otlpPort() {
    return otlpPort;
  }

  /** The OTLP/gRPC port ({@code TraceService/Export}). */
  public int otlpGrpcPort() {
    return otlpGrpcPort;
  }

  public int httpPort() {
    return httpPort;
  }

  public int heartbeatMisses() {
    return heartbeatMisses;
  }

  public int maxRequestBytes() {
    return maxRequestBytes;
  }

  public int maxDecompressedBytes() {
    return maxDecompressedBytes;
  }

  public int ingestQueueCapacity() {
    return ingestQueueCapacity;
  }

  public Duration detectorTick() {
    return detectorTick;
  }

  public Duration leaseIdleTimeout() {
    return leaseIdleTimeout;
  }

  public Clock clock() {
    return clock;
  }

  /**
   * How long an HTTP connection (OTLP or API) may take to deliver a complete request, counted from
   * its opening or its previous response; then it is closed (408 when a request had begun).
   */
  public Duration requestTimeout() {
    return requestTimeout;
  }

  /**
   * How long a worker that stopped or died is kept (in the store and {@code GET /api/workers})
   * before it is forgotten; alive workers are always kept.
   */
  public Duration workerRetention() {
    return workerRetention;
  }

  /** Whether every store write is fsync'ed before it is acknowledged (survives power loss). */
  public boolean fsync() {
    return fsync;
  }

  /** When present, OTLP requests and leases need {@code Authorization: Bearer <token>}. */
  public Optional<String> ingestToken() {
    return ingestToken;
  }

  /** Where received spans and synthesized job ends are forwarded; empty when they are not. */
  public Optional<ForwardConfig> forward() {
    return Optional.ofNullable(forward);
  }

  /** When runs are flagged STUCK, STALLED, PENDING_TOO_LONG or LOST, per job name. */
  public DetectionSettings detection() {
    return detection;
  }

  /** When present, mutating API calls need {@code Authorization: Bearer <token>}. */
  public Optional<String> apiToken() {
    return apiToken;
  }

  public AlertConfig alerts() {
    return alerts;
  }

  private static int port(String what, int port) {
    if (port < 0 || port > 65_535) {
      throw new IllegalArgumentException(what + " must be between 0 (any free port) and 65535: " + port);
    }
    return port;
  }

  private static int positive(String what, int value) {
    if (value <= 0) {
      throw new IllegalArgumentException(what + " must be positive: " + value);
    }
    return value;
  }

  public static final class Builder {
    private Path dataDir = Path.of(DEFAULT_DATA_DIR);
    private String bindHost = DEFAULT_BIND_HOST;
    private int otlpPort = DEFAULT_OTLP_PORT;
    private int otlpGrpcPort = DEFAULT_OTLP_GRPC_PORT;
    private int httpPort = DEFAULT_HTTP_PORT;
    private int heartbeatMisses = DEFAULT_HEARTBEAT_MISSES;
    private int maxRequestBytes = 16 * 1024 * 1024;
    private int maxDecompressedBytes = 64 * 1024 * 1024;
    private int ingestQueueCapacity = DEFAULT_INGEST_QUEUE_CAPACITY;
    private Duration detectorTick = Duration.ofMillis(150);
    private Duration leaseIdleTimeout = Duration.ofSeconds(5);
    private Duration requestTimeout = Duration.ofSeconds(30);
    private Duration workerRetention = DEFAULT_WORKER_RETENTION;
    private boolean fsync;
    private String ingestToken;
    private Clock clock = Clock.systemUTC();
    private String apiToken;
    private AlertConfig alerts = AlertConfig.NONE;
    private ForwardConfig forward;
    private DetectionSettings detection = DetectionSettings.defaults();

    private Builder() {}

    public Builder dataDir(Path dataDir) {
      this.dataDir = Objects.requireNonNull(dataDir, "dataDir");
      return this;
    }

    /** The interface every port binds to; {@code 0.0.0.0} (all) by default. */
    public Builder bindHost(String bindHost) {
      this.bindHost = Objects.requireNonNull(bindHost, "bindHost");
      return this;
    }

    public Builder otlpPort(int otlpPort) {
      this.otlpPort = otlpPort;
      return this;
    }

    public Builder otlpGrpcPort(int otlpGrpcPort) {
      this.otlpGrpcPort = otlpGrpcPort;
      return this;
    }

    public Builder httpPort(int httpPort) {
      this.httpPort = httpPort;
      return this;
    }

    /** How many heartbeat intervals without a sign of life make a worker dead. */
    public Builder heartbeatMisses(int heartbeatMisses) {
      this.heartbeatMisses = heartbeatMisses;
      return this;
    }

    /** The largest OTLP request body accepted as sent (413 above). */
    public Builder maxRequestBytes(int maxRequestBytes) {
      this.maxRequestBytes = maxRequestBytes;
      return this;
    }

    /** The largest OTLP request body accepted after gzip decompression (413 above). */
    public Builder maxDecompressedBytes(int maxDecompressedBytes) {
      this.maxDecompressedBytes = maxDecompressedBytes;
      return this;
    }

    /** How many requests may wait for the ingest thread before senders get 503. */
    public Builder ingestQueueCapacity(int ingestQueueCapacity) {
      this.ingestQueueCapacity = ingestQueueCapacity;
      return this;
    }

    /** How often the detector looks for overdue workers. */
    public Builder detectorTick(Duration detectorTick) {
      this.detectorTick = detectorTick;
      return this;
    }

    /**
     * How long a liveness lease may go without a {@code PING} (the agent pings every second)
     * before the collector closes it and declares the worker dead.
     */
    public Builder leaseIdleTimeout(Duration leaseIdleTimeout) {
      this.leaseIdleTimeout = leaseIdleTimeout;
      return this;
    }

    /**
     * How long a connection may take to deliver a complete HTTP request (30 s by default): a
     * connection that opens and never finishes one is closed instead of held forever. Leases are
     * not HTTP once upgraded and keep their own idle rule.
     */
    public Builder requestTimeout(Duration requestTimeout) {
      this.requestTimeout = Objects.requireNonNull(requestTimeout, "requestTimeout");
      return this;
    }

    /** How long a stopped or dead worker is kept before it is forgotten (7 days by default). */
    public Builder workerRetention(Duration workerRetention) {
      this.workerRetention = Objects.requireNonNull(workerRetention, "workerRetention");
      return this;
    }

    /**
     * Whether writes are fsync'ed before they are acknowledged: off by default (the WAL survives
     * kill -9, not a power loss); on, an acknowledgement survives power loss too, at a cost per
     * write (BENCHMARKS.md).
     */
    public Builder fsync(boolean fsync) {
      this.fsync = fsync;
      return this;
    }

    /** The token OTLP senders must present as {@code Authorization: Bearer}; {@code null} or blank: none. */
    public Builder ingestToken(String ingestToken) {
      this.ingestToken = ingestToken;
      return this;
    }

    /** The collector's clock: receive times, flags, the restart grace. */
    public Builder clock(Clock clock) {
      this.clock = clock;
      return this;
    }

    /** Forwards to a downstream OTLP endpoint; {@code null} (the default) forwards nothing. */
    public Builder forward(ForwardConfig forward) {
      this.forward = forward;
      return this;
    }

    /** The limits that flag runs (max runtime, stall and queue timeouts, lost-after), per job name. */
    public Builder detection(DetectionSettings detection) {
      this.detection = Objects.requireNonNull(detection, "detection");
      return this;
    }

    /** The API token mutating calls must present; {@code null} or blank: none needed. */
    public Builder apiToken(String apiToken) {
      this.apiToken = apiToken;
      return this;
    }

    /** Alert webhooks; {@link AlertConfig#NONE} (the default) sends none. */
    public Builder alerts(AlertConfig alerts) {
      this.alerts = Objects.requireNonNull(alerts, "alerts");
      return this;
    }

    public CollectorConfig build() {
      return new CollectorConfig(this);
    }
  }
}
