package io.jobpulse.collector.testing;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.proto.resource.v1.Resource;
import io.opentelemetry.proto.trace.v1.ResourceSpans;
import io.opentelemetry.proto.trace.v1.ScopeSpans;
import io.opentelemetry.proto.trace.v1.Span;
import io.opentelemetry.proto.common.v1.InstrumentationScope;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.zip.GZIPInputStream;

/**
 * A downstream OTLP/HTTP receiver for forwarding tests: a JDK HTTP server on an ephemeral
 * loopback port that decodes {@code ExportTraceServiceRequest}s and keeps every span with its
 * resource, scope and the request's headers. It can refuse the first requests (503) to exercise
 * the sender's retry.
 */
public final class OtlpSink implements AutoCloseable {

  /** One received span, with where it came from. */
  public record Received(Span span, Resource resource, InstrumentationScope scope, Map<String, List<String>> headers) {}

  private final HttpServer server;
  private final ExecutorService executor = Executors.newFixedThreadPool(2, r -> {
    Thread thread = new Thread(r, "otlp-sink");
    thread.setDaemon(true);
    return thread;
  });
  private final List<Received> spans = new CopyOnWriteArrayList<>();
  private final AtomicInteger refuseNext = new AtomicInteger();
  private final AtomicInteger refused = new AtomicInteger();

  public OtlpSink() {
    try {
      server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    server.createContext("/v1/traces", this::handle);
    server.setExecutor(executor);
    server.start();
  }

  /** The base URL, as a user gives it to {@code --forward-endpoint}. */
  public String baseUrl() {
    return "http://127.0.0.1:" + server.getAddress().getPort();
  }

  /** Answers the next {@code n} requests with 503, which OTLP senders retry. */
  public void refuseNext(int n) {
    refuseNext.set(n);
  }

  public int refused() {
    return refused.get();
  }

  public List<Received> spans() {
    return List.copyOf(spans);
  }

  public List<Received> spansNamed(String name) {
    return spans.stream().filter(r -> r.span().getName().equals(name)).toList();
  }

  private void handle(HttpExchange exchange) throws IOException {
    try (exchange) {
      byte[] body;
      try (InputStream in = "gzip".equalsIgnoreCase(exchange.getRequestHeaders().getFirst("Content-Encoding"))
          ? new GZIPInputStream(exchange.getRequestBody()) : exchange.getRequestBody()) {
        body = in.readAllBytes();
      }
      if (refuseNext.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
        refused.incrementAndGet();
        exchange.sendResponseHeaders(503, -1);
        return;
      }
      ExportTraceServiceRequest request = ExportTraceServiceRequest.parseFrom(body);
      Map<String, List<String>> headers = new ConcurrentHashMap<>();
      exchange.getRequestHeaders().forEach((name, values) -> headers.put(name.toLowerCase(), List.copyOf(values)));
      for (ResourceSpans resourceSpans : request.getResourceSpansList()) {
        for (ScopeSpans scopeSpans : resourceSpans.getScopeSpansList()) {
          for (Span span : scopeSpans.getSpansList()) {
            spans.add(new Received(span, resourceSpans.getResource(), scopeSpans.getScope(), headers));
          }
        }
      }
      // An empty ExportTraceServiceResponse encodes to no bytes: full success.
      exchange.getResponseHeaders().set("Content-Type", "application/x-protobuf");
      exchange.sendResponseHeaders(200, -1);
    }
  }

  @Override
  public void close() {
    server.stop(0);
    executor.shutdownNow();
  }
}
