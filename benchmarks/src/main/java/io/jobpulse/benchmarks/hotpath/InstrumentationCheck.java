package io.jobpulse.benchmarks.hotpath;

import com.sun.net.httpserver.HttpServer;
import io.jobpulse.benchmarks.common.AgentVariant;
import io.jobpulse.benchmarks.common.Jvm;
import io.jobpulse.benchmarks.common.RepoLayout;
import io.jobpulse.contract.AttributeKeys;
import io.jobpulse.contract.OtlpPaths;
import io.jobpulse.contract.SpanNames;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceResponse;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.trace.v1.ResourceSpans;
import io.opentelemetry.proto.trace.v1.ScopeSpans;
import io.opentelemetry.proto.trace.v1.Span;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.zip.GZIPInputStream;

/**
 * Proves, before anything is measured, that an agent really instruments {@link TrivialJob}: runs
 * {@link FailOnce} under it with its exporter pointed at a loopback OTLP sink, and requires a span
 * for the failed call. Without it, an agent that failed to start would measure as "free".
 */
public final class InstrumentationCheck {

  private InstrumentationCheck() {}

  /** The span's name, followed by its job name when it has one. */
  private static String describe(Span span) {
    for (KeyValue attribute : span.getAttributesList()) {
      if (attribute.getKey().equals(AttributeKeys.JOB_NAME)) {
        return span.getName() + " " + attribute.getValue().getStringValue();
      }
    }
    return span.getName();
  }

  /**
   * @throws IllegalStateException naming the agent's output when no span for
   *     {@code TrivialJob#fail} arrived
   */
  public static void verify(AgentVariant variant, RepoLayout layout) throws IOException, InterruptedException {
    if (variant == AgentVariant.NONE) {
      return;
    }
    Set<String> spanNames = ConcurrentHashMap.newKeySet();
    HttpServer sink = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 16);
    sink.createContext(OtlpPaths.TRACES, exchange -> {
      try (InputStream body = exchange.getRequestBody()) {
        boolean gzip = "gzip".equalsIgnoreCase(exchange.getRequestHeaders().getFirst("Content-Encoding"));
        ExportTraceServiceRequest request = ExportTraceServiceRequest.parseFrom(gzip ? new GZIPInputStream(body) : body);
        for (ResourceSpans rs : request.getResourceSpansList()) {
          for (ScopeSpans ss : rs.getScopeSpansList()) {
            for (Span span : ss.getSpansList()) {
              spanNames.add(describe(span));
            }
          }
        }
        byte[] ok = ExportTraceServiceResponse.getDefaultInstance().toByteArray();
        exchange.getResponseHeaders().set("Content-Type", "application/x-protobuf");
        exchange.sendResponseHeaders(200, ok.length == 0 ? -1 : ok.length);
        exchange.getResponseBody().write(ok);
      } catch (IOException | RuntimeException e) {
        exchange.sendResponseHeaders(400, -1);
      } finally {
        exchange.close();
      }
    });
    sink.start();
    Path output = Files.createTempFile("jobpulse-check", ".log");
    try {
      String endpoint = "http://127.0.0.1:" + sink.getAddress().getPort();
      List<String> args = new ArrayList<>(variant.jvmArgs(layout, endpoint, TrivialJob.class, "succeed", "fail"));
      if (variant == AgentVariant.OPENTELEMETRY) {
        // Later -D wins: export to the sink for this check only.
        args.addAll(List.of("-Dotel.traces.exporter=otlp", "-Dotel.exporter.otlp.protocol=http/protobuf",
            "-Dotel.exporter.otlp.traces.endpoint=" + endpoint + OtlpPaths.TRACES));
      }
      args.addAll(List.of("-cp", layout.benchmarksJar().toString(), FailOnce.class.getName()));
      Process child = new ProcessBuilder(Jvm.command(args)).redirectErrorStream(true).redirectOutput(output.toFile()).start();
      if (!child.waitFor(60, TimeUnit.SECONDS)) {
        child.destroyForcibly();
        throw new IllegalStateException(variant.label() + ": the check JVM did not exit within 60 s; output in " + output);
      }
      // The agent flushes on graceful exit, so its spans arrived before the process ended.
      String expected = variant == AgentVariant.JOBPULSE
          ? SpanNames.JOB + " " + TrivialJob.class.getName() + "#fail"
          : TrivialJob.class.getSimpleName() + ".fail";
      boolean reported = spanNames.contains(expected);
      if (!reported) {
        throw new IllegalStateException(variant.label() + " did not report TrivialJob#fail, so it does not instrument "
            + "the benchmark's job; nothing measured would mean anything. Spans received: " + spanNames
            + "\nagent output:\n" + Files.readString(output));
      }
      System.out.println(variant.label() + ": instrumentation verified, spans exported: " + spanNames);
    } finally {
      sink.stop(0);
      Files.deleteIfExists(output);
    }
  }
}
