package io.jobpulse.collector.forward;

import io.jobpulse.contract.OtlpPaths;
import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * Where and what the collector forwards (DESIGN.md "Forwarding"). Immutable; build with {@link
 * #builder(String)}.
 *
 * <p>The endpoint is an OTLP/HTTP URL: a base such as {@code http://otel-collector:4318} gets
 * {@code /v1/traces} appended (like {@code OTEL_EXPORTER_OTLP_ENDPOINT}); a URL with a path is
 * used as given (like {@code OTEL_EXPORTER_OTLP_TRACES_ENDPOINT}).
 */
public final class ForwardConfig {

  public static final int DEFAULT_QUEUE_CAPACITY = 8192;
  public static final int DEFAULT_MAX_EXPORT_BATCH = 512;
  public static final Duration DEFAULT_EXPORT_TIMEOUT = Duration.ofSeconds(10);

  private final URI endpoint;
  private final boolean heartbeats;
  private final Map<String, String> headers;
  private final int queueCapacity;
  private final int maxExportBatch;
  private final Duration exportTimeout;

  private ForwardConfig(Builder b) {
    endpoint = b.endpoint;
    heartbeats = b.heartbeats;
    headers = Map.copyOf(b.headers);
    if (b.queueCapacity <= 0 || b.maxExportBatch <= 0) {
      throw new IllegalArgumentException("forward queue capacity and export batch must be positive: "
          + b.queueCapacity + ", " + b.maxExportBatch);
    }
    queueCapacity = b.queueCapacity;
    maxExportBatch = b.maxExportBatch;
    exportTimeout = b.exportTimeout;
  }

  /**
   * @throws IllegalArgumentException when {@code endpoint} is not an absolute http(s) URL
   */
  public static Builder builder(String endpoint) {
    return new Builder(tracesUrl(endpoint));
  }

  /** The full URL spans are posted to, {@code .../v1/traces} unless the user gave another path. */
  public URI endpoint() {
    return endpoint;
  }

  /** Whether {@code jobpulse.worker.heartbeat} spans are forwarded too (not by default: they are many). */
  public boolean heartbeats() {
    return heartbeats;
  }

  /** Headers sent with every export (an API key, a tenant). */
  public Map<String, String> headers() {
    return headers;
  }

  /** How many spans may wait for export; more are dropped and counted, never waited for. */
  public int queueCapacity() {
    return queueCapacity;
  }

  public int maxExportBatch() {
    return maxExportBatch;
  }

  /** The timeout of one export attempt (the exporter retries transient failures on its own). */
  public Duration exportTimeout() {
    return exportTimeout;
  }

  private static URI tracesUrl(String endpoint) {
    Objects.requireNonNull(endpoint, "endpoint");
    URI uri;
    try {
      uri = new URI(endpoint.trim());
    } catch (URISyntaxException e) {
      throw new IllegalArgumentException("the forward endpoint is not a URL: '" + endpoint + "'");
    }
    if (!("http".equalsIgnoreCase(uri.getScheme()) || "https".equalsIgnoreCase(uri.getScheme()))
        || uri.getHost() == null) {
      throw new IllegalArgumentException(
          "the forward endpoint must be an http:// or https:// URL such as http://otel-collector:4318, got '"
              + endpoint + "'");
    }
    String path = uri.getRawPath();
    return path == null || path.isEmpty() || path.equals("/") ? uri.resolve(OtlpPaths.TRACES) : uri;
  }

  public static final class Builder {
    private final URI endpoint;
    private boolean heartbeats;
    private final Map<String, String> headers = new LinkedHashMap<>();
    private int queueCapacity = DEFAULT_QUEUE_CAPACITY;
    private int maxExportBatch = DEFAULT_MAX_EXPORT_BATCH;
    private Duration exportTimeout = DEFAULT_EXPORT_TIMEOUT;

    private Builder(URI endpoint) {
      this.endpoint = endpoint;
    }

    public Builder heartbeats(boolean heartbeats) {
      this.heartbeats = heartbeats;
      return this;
    }

    public Builder header(String name, String value) {
      if (name == null || name.isBlank() || value == null) {
        throw new IllegalArgumentException("a forward header needs a name and a value: " + name + "=" + value);
      }
      headers.put(name.trim(), value);
      return this;
    }

    public Builder headers(Map<String, String> headers) {
      headers.forEach(this::header);
      return this;
    }

    public Builder queueCapacity(int queueCapacity) {
      this.queueCapacity = queueCapacity;
      return this;
    }

    public Builder maxExportBatch(int maxExportBatch) {
      this.maxExportBatch = maxExportBatch;
      return this;
    }

    public Builder exportTimeout(Duration exportTimeout) {
      this.exportTimeout = Objects.requireNonNull(exportTimeout, "exportTimeout");
      return this;
    }

    public ForwardConfig build() {
      return new ForwardConfig(this);
    }
  }
}
