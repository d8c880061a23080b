package io.jobpulse.sample.e2e;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.zip.GZIPInputStream;

/**
 * What answers on the collector's OTLP port while the collector is being replaced behind a
 * gateway: {@code 503 Service Unavailable} to everything. It keeps every request body, so a test
 * can tell which spans the agent tried to send and when it moved on.
 */
final class UnavailableCollector implements AutoCloseable {

  private final HttpServer server;
  private final List<byte[]> bodies = new CopyOnWriteArrayList<>();

  private UnavailableCollector(HttpServer server) {
    this.server = server;
  }

  static UnavailableCollector on(int port) {
    try {
      HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 0);
      UnavailableCollector collector = new UnavailableCollector(server);
      server.createContext("/", collector::refuse);
      server.start();
      return collector;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot listen on port " + port, e);
    }
  }

  private void refuse(HttpExchange exchange) throws IOException {
    try (exchange) {
      boolean gzip = "gzip".equalsIgnoreCase(exchange.getRequestHeaders().getFirst("Content-Encoding"));
      try (InputStream body = gzip ? new GZIPInputStream(exchange.getRequestBody()) : exchange.getRequestBody()) {
        bodies.add(body.readAllBytes());
      }
      exchange.sendResponseHeaders(503, -1);
    }
  }

  /** The request bodies received so far, oldest first. */
  List<byte[]> bodies() {
    return List.copyOf(bodies);
  }

  @Override
  public void close() {
    server.stop(0);
  }
}
