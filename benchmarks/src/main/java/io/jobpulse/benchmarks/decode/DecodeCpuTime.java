package io.jobpulse.benchmarks.decode;

import com.google.protobuf.InvalidProtocolBufferException;
import io.jobpulse.collector.otlp.OtlpDecoding;
import io.netty.buffer.ByteBuf;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import java.lang.management.ManagementFactory;
import java.util.Arrays;
import java.util.List;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@link DecodeBenchmark}'s two measurements in thread CPU time and allocated bytes per span,
 * which a busy machine disturbs far less than JMH's wall-clock time: a thread that waits for a
 * core is not charged for the wait. Alternates the two in rounds and prints each one's median.
 */
@Command(name = "DecodeCpuTime", mixinStandardHelpOptions = true,
    description = "CPU time and allocation per span of the collector's OTLP decoding, in-process")
public final class DecodeCpuTime implements Runnable {

  @Option(names = "--warmup-seconds", description = "untimed decoding first, for the JIT (default: ${DEFAULT-VALUE})")
  int warmupSeconds = 15;

  @Option(names = "--rounds", description = "timed rounds of each measurement (default: ${DEFAULT-VALUE})")
  int rounds = 15;

  @Option(names = "--requests-per-round", description = "requests decoded per round (default: ${DEFAULT-VALUE})")
  int requestsPerRound = 2_000;

  private final com.sun.management.ThreadMXBean threads =
      (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
  private final OtlpDecoding decoding = new OtlpDecoding(64 * 1024 * 1024);
  private long sink;

  public static void main(String[] args) {
    System.exit(new CommandLine(new DecodeCpuTime()).execute(args));
  }

  @Override
  public void run() {
    List<byte[]> requests = DecodeBenchmark.requests(16, 42);
    byte[][] arrays = requests.toArray(new byte[0][]);
    ByteBuf[] bodies = new ByteBuf[arrays.length];
    for (int i = 0; i < arrays.length; i++) {
      bodies[i] = DecodeBenchmark.aggregated(arrays[i], 8192);
    }
    long warmupEnd = System.nanoTime() + warmupSeconds * 1_000_000_000L;
    while (System.nanoTime() < warmupEnd) {
      decode(bodies, 100);
      parse(arrays, 100);
    }
    double[][] decode = new double[2][rounds];
    double[][] parse = new double[2][rounds];
    for (int r = 0; r < rounds; r++) {
      measure(() -> decode(bodies, requestsPerRound), decode, r);
      measure(() -> parse(arrays, requestsPerRound), parse, r);
    }
    for (ByteBuf body : bodies) {
      body.release();
    }
    System.out.printf("%-12s %14s %14s%n", "median of " + rounds, "CPU ns/span", "B/span");
    System.out.printf("%-12s %14.1f %14.1f%n", "decode", median(decode[0]), median(decode[1]));
    System.out.printf("%-12s %14.1f %14.1f%n", "parseOnly", median(parse[0]), median(parse[1]));
    System.out.println("(" + DecodeBenchmark.SPANS_PER_REQUEST + " spans a request; sink " + (sink & 1) + ")");
  }

  private void measure(Runnable work, double[][] into, int round) {
    long thread = Thread.currentThread().getId();
    long cpu = threads.getCurrentThreadCpuTime();
    long allocated = threads.getThreadAllocatedBytes(thread);
    work.run();
    double spans = (double) requestsPerRound * DecodeBenchmark.SPANS_PER_REQUEST;
    into[0][round] = (threads.getCurrentThreadCpuTime() - cpu) / spans;
    into[1][round] = (threads.getThreadAllocatedBytes(thread) - allocated) / spans;
  }

  private void decode(ByteBuf[] bodies, int count) {
    for (int i = 0; i < count; i++) {
      sink += decoding.decode(bodies[i % bodies.length], "application/x-protobuf", null).size();
    }
  }

  private void parse(byte[][] arrays, int count) {
    try {
      for (int i = 0; i < count; i++) {
        sink += ExportTraceServiceRequest.parseFrom(arrays[i % arrays.length]).getResourceSpansCount();
      }
    } catch (InvalidProtocolBufferException e) {
      throw new IllegalStateException(e);
    }
  }

  private static double median(double[] values) {
    double[] sorted = values.clone();
    Arrays.sort(sorted);
    return sorted[sorted.length / 2];
  }
}
