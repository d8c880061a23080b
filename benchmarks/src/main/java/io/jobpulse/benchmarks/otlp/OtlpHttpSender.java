package io.jobpulse.benchmarks.otlp;

import io.jobpulse.benchmarks.common.Loopback;
import io.jobpulse.contract.OtlpPaths;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceResponse;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Posts OTLP/HTTP protobuf requests to a loopback collector the way an exporter does: one
 * synchronous request at a time per calling thread (so N threads keep N connections busy), and a
 * bounded retry honouring {@code Retry-After} on 429 and 503. Thread-safe; counts what went wrong.
 */
public final class OtlpHttpSender {

  private final HttpClient http =
      HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(5)).build();
  private final URI tracesUri;
  private final AtomicLong throttled = new AtomicLong();
  private final AtomicLong failed = new AtomicLong();
  private final AtomicLong rejectedSpans = new AtomicLong();
  private final AtomicReference<String> firstFailure = new AtomicReference<>();

  public OtlpHttpSender(String otlpBaseUrl) {
    this.tracesUri = URI.create(Loopback.require(otlpBaseUrl) + OtlpPaths.TRACES);
  }

  /**
   * Sends one encoded {@code ExportTraceServiceRequest}, retrying while the collector asks to
   * (429/503, bounded).
   *
   * @return whether the collector acknowledged it (200)
   */
  public boolean send(byte[] body) throws InterruptedException {
    HttpRequest request = HttpRequest.newBuilder(tracesUri)
        .timeout(Duration.ofSeconds(30))
        .header("Content-Type", "application/x-protobuf")
        .POST(HttpRequest.BodyPublishers.ofByteArray(body))
        .build();
    for (int attempt = 0; attempt <= RetryPolicy.MAX_RETRIES; attempt++) {
      HttpResponse<byte[]> response;
      try {
        response = http.send(request, HttpResponse.BodyHandlers.ofByteArray());
      } catch (IOException e) {
        fail("I/O: " + e);
        return false;
      }
      int status = response.statusCode();
      if (status == 200) {
        countRejected(response.body());
        return true;
      }
      if (RetryPolicy.isRetryable(status)) {
        throttled.incrementAndGet();
        TimeUnit.MILLISECONDS.sleep(RetryPolicy.waitMillis(response.headers().firstValue("Retry-After").orElse(null)));
        continue;
      }
      fail(status + ": " + new String(response.body(), java.nio.charset.StandardCharsets.UTF_8));
      return false;
    }
    fail("still throttled after " + RetryPolicy.MAX_RETRIES + " retries");
    return false;
  }

  private void countRejected(byte[] body) {
    try {
      ExportTraceServiceResponse response = ExportTraceServiceResponse.parseFrom(body);
      if (response.hasPartialSuccess()) {
        rejectedSpans.addAndGet(response.getPartialSuccess().getRejectedSpans());
      }
    } catch (com.google.protobuf.InvalidProtocolBufferException e) {
      fail("unparseable 200 response: " + e.getMessage());
    }
  }

  private void fail(String why) {
    failed.incrementAndGet();
    firstFailure.compareAndSet(null, why);
  }

  /** 429/503 answers received (each followed by a retry). */
  public long throttled() {
    return throttled.get();
  }

  /** Requests given up on (other statuses, I/O errors, too many retries). */
  public long failed() {
    return failed.get();
  }

  /** Spans the collector acknowledged as rejected in a partial success. */
  public long rejectedSpans() {
    return rejectedSpans.get();
  }

  /** What went wrong first, or {@code null}. */
  public String firstFailure() {
    return firstFailure.get();
  }
}
