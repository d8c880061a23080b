package io.jobpulse.benchmarks.decode;

import com.google.protobuf.InvalidProtocolBufferException;
import io.jobpulse.benchmarks.otlp.SimulatedWorker;
import io.jobpulse.benchmarks.otlp.TraceRequests;
import io.jobpulse.collector.otlp.OtlpDecoding;
import io.jobpulse.collector.state.SpanEvent;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.CompositeByteBuf;
import io.netty.buffer.Unpooled;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.proto.trace.v1.ResourceSpans;
import io.opentelemetry.proto.trace.v1.Span;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The collector's work on an event loop for one OTLP/HTTP protobuf request, from the body as the
 * HTTP aggregator hands it over to the events queued for the ingest thread ({@link OtlpDecoding}, the receiver's own two
 * calls). The requests are those of the ingest benchmark ({@code IngestLoad}'s defaults): four
 * workers' ticks each, a tick ending and starting 5 runs in progress (5% failed), starting and
 * ending 50 short runs, and a heartbeat listing the 20 runs in progress — 444 spans. One operation
 * is one span, so the figures read as ns/span and, with {@code -prof gc}, B/span.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 5, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"-Xmx1g"})
public class DecodeBenchmark {

  static final int WORKERS_PER_REQUEST = 4;
  static final int ACTIVE_JOBS = 20;
  static final int ROTATED_JOBS = 5;
  static final int SHORT_JOBS = 50;
  static final double FAILURE_RATE = 0.05;
  static final int SPANS_PER_REQUEST = WORKERS_PER_REQUEST * (2 * ROTATED_JOBS + 2 * SHORT_JOBS + 1);
  /** Different requests in turn, so the branch predictor and caches do not learn one body. */
  private static final int REQUESTS = 16;
  private static final String PROTOBUF = "application/x-protobuf";

  private final OtlpDecoding decoding = new OtlpDecoding(64 * 1024 * 1024);
  private ByteBuf[] bodies;
  private byte[][] arrays;
  private int next;

  @Setup
  public void encodeRequests() {
    List<byte[]> requests = requests(REQUESTS, 42);
    arrays = requests.toArray(new byte[0][]);
    bodies = new ByteBuf[requests.size()];
    for (int i = 0; i < bodies.length; i++) {
      bodies[i] = aggregated(requests.get(i), 8192);
      int events = decoding.decode(bodies[i], PROTOBUF, null).size();
      if (events != SPANS_PER_REQUEST) { // a benchmark of the refusal path would measure nothing useful
        throw new IllegalStateException("request " + i + " decoded to " + events + " events, not " + SPANS_PER_REQUEST);
      }
    }
  }

  @TearDown
  public void release() {
    for (ByteBuf body : bodies) {
      body.release();
    }
  }

  @Benchmark
  @OperationsPerInvocation(SPANS_PER_REQUEST)
  public List<SpanEvent> decode() {
    ByteBuf body = bodies[next];
    next = next + 1 == bodies.length ? 0 : next + 1;
    return decoding.decode(body, PROTOBUF, null);
  }

  /**
   * The floor under {@link #decode}: the generated classes' parse of the same requests from heap
   * arrays, which the receiver needs whatever it does next (the request is handed on whole to
   * {@code AcceptedSpans}).
   */
  @Benchmark
  @OperationsPerInvocation(SPANS_PER_REQUEST)
  public ExportTraceServiceRequest parseOnly() throws InvalidProtocolBufferException {
    byte[] body = arrays[next];
    next = next + 1 == arrays.length ? 0 : next + 1;
    return ExportTraceServiceRequest.parseFrom(body);
  }

  /** {@code count} encoded requests of {@link #SPANS_PER_REQUEST} spans, reproducible from {@code seed}. */
  static List<byte[]> requests(int count, long seed) {
    List<SimulatedWorker> workers = new ArrayList<>();
    for (int w = 0; w < WORKERS_PER_REQUEST * 4; w++) {
      workers.add(new SimulatedWorker("decode-bench-" + (w % 8), seed + w, 60_000));
    }
    long now = System.currentTimeMillis() * 1_000_000L;
    for (SimulatedWorker worker : workers) { // the first tick also announces the runs in progress
      worker.startJobs(ACTIVE_JOBS, now, new ArrayList<>());
    }
    List<byte[]> requests = new ArrayList<>(count);
    int nextWorker = 0;
    for (int r = 0; r < count; r++) {
      now += 15_000_000_000L;
      List<ResourceSpans> resourceSpans = new ArrayList<>(WORKERS_PER_REQUEST);
      for (int w = 0; w < WORKERS_PER_REQUEST; w++) {
        SimulatedWorker worker = workers.get(nextWorker);
        nextWorker = (nextWorker + 1) % workers.size();
        List<Span> spans = new ArrayList<>();
        worker.endJobs(ROTATED_JOBS, now, FAILURE_RATE, spans);
        worker.startJobs(ROTATED_JOBS, now, spans);
        worker.finishedJobs(SHORT_JOBS, now, FAILURE_RATE, spans);
        worker.heartbeat(now, spans);
        resourceSpans.add(worker.resourceSpans(spans));
      }
      ExportTraceServiceRequest request = TraceRequests.request(resourceSpans);
      if (TraceRequests.spanCount(request) != SPANS_PER_REQUEST) {
        throw new IllegalStateException("a request of " + TraceRequests.spanCount(request) + " spans");
      }
      requests.add(request.toByteArray());
    }
    return requests;
  }

  /**
   * {@code bytes} as Netty's HttpObjectAggregator hands a body over: slices of at most {@code
   * chunk} bytes (the HTTP decoder's chunk size is 8 KiB) of the direct buffer the socket was read
   * into, gathered in a composite buffer.
   */
  static ByteBuf aggregated(byte[] bytes, int chunk) {
    ByteBuf read = Unpooled.directBuffer(bytes.length).writeBytes(bytes);
    CompositeByteBuf body = Unpooled.compositeBuffer(1024);
    for (int offset = 0; offset < bytes.length; offset += chunk) {
      body.addComponent(true, read.retainedSlice(offset, Math.min(chunk, bytes.length - offset)));
    }
    read.release();
    return body;
  }
}
