package io.jobpulse.collector.metrics;

import io.prometheus.metrics.core.datapoints.CounterDataPoint;
import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.model.registry.PrometheusRegistry;

/** What the receivers took in: requests, spans and bytes by transport, and refusals by reason. */
public final class IngestMetrics {

  public static final String HTTP = "http";
  public static final String GRPC = "grpc";

  private final Counter requests;
  private final Counter spans;
  private final Counter bytes;
  private final Counter errors;
  private final CounterDataPoint httpRequests;
  private final CounterDataPoint httpBytes;

  IngestMetrics(PrometheusRegistry registry) {
    requests = Counter.builder().name("jobpulse_ingest_requests_total")
        .help("OTLP export requests received").labelNames("transport").register(registry);
    spans = Counter.builder().name("jobpulse_ingest_spans_total")
        .help("Spans in accepted OTLP requests").register(registry);
    bytes = Counter.builder().name("jobpulse_ingest_bytes_total")
        .help("OTLP request body bytes received, as sent (compressed when gzip)").labelNames("transport")
        .register(registry);
    errors = Counter.builder().name("jobpulse_ingest_errors_total")
        .help("OTLP requests refused, by reason").labelNames("reason").register(registry);
    httpRequests = requests.labelValues(HTTP);
    httpBytes = bytes.labelValues(HTTP);
    requests.labelValues(GRPC);
    bytes.labelValues(GRPC);
  }

  public void httpRequest() {
    httpRequests.inc();
  }

  public void httpBytes(long bodyBytes) {
    httpBytes.inc(bodyBytes);
  }

  public void grpcRequest(long messageBytes) {
    requests.labelValues(GRPC).inc();
    bytes.labelValues(GRPC).inc(messageBytes);
  }

  public void spans(long count) {
    spans.inc(count);
  }

  /** A refusal: {@code reason} is a short stable word ({@code bad_request}, {@code too_large}, ...). */
  public void error(String reason) {
    errors.labelValues(reason).inc();
  }
}
