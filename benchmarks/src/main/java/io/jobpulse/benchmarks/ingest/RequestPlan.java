package io.jobpulse.benchmarks.ingest;

import io.jobpulse.benchmarks.otlp.SimulatedWorker;
import io.jobpulse.benchmarks.otlp.TraceRequests;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.proto.trace.v1.ResourceSpans;
import io.opentelemetry.proto.trace.v1.Span;
import java.util.ArrayList;
import java.util.List;

/**
 * The requests one connection sends, encoded before the clock starts so the load generator spends
 * its CPU on sending, not on building protobuf. Each request carries a few workers' ticks, the way
 * an agent's batch span processor sends up to a few hundred spans at once; a worker always goes
 * through the same connection, so its spans arrive in order.
 */
final class RequestPlan {

  /** What one worker sends per heartbeat interval. */
  static final class Tick {
    final int activeJobs;
    final int rotated;
    final int shortJobs;
    final double failureRate;

    Tick(int activeJobs, int rotated, int shortJobs, double failureRate) {
      this.activeJobs = activeJobs;
      this.rotated = rotated;
      this.shortJobs = shortJobs;
      this.failureRate = failureRate;
    }

    int spans() {
      return 2 * rotated + 2 * shortJobs + 1;
    }
  }

  final List<byte[]> bodies;
  final int[] spanCounts;

  private RequestPlan(List<byte[]> bodies, int[] spanCounts) {
    this.bodies = bodies;
    this.spanCounts = spanCounts;
  }

  /**
   * Builds {@code requestCount} requests over {@code workers}, {@code workersPerRequest} workers'
   * ticks in each, cycling through the workers in order.
   */
  static RequestPlan build(List<SimulatedWorker> workers, int workersPerRequest, int requestCount, Tick tick) {
    List<byte[]> bodies = new ArrayList<>(requestCount);
    int[] spanCounts = new int[requestCount];
    int next = 0;
    for (int r = 0; r < requestCount; r++) {
      List<ResourceSpans> resourceSpans = new ArrayList<>(workersPerRequest);
      long now = System.currentTimeMillis() * 1_000_000L;
      for (int w = 0; w < workersPerRequest; w++) {
        SimulatedWorker worker = workers.get(next);
        next = (next + 1) % workers.size();
        List<Span> spans = new ArrayList<>(tick.spans() + tick.activeJobs);
        if (worker.activeCount() == 0) {
          worker.startJobs(tick.activeJobs, now, spans);
        }
        worker.endJobs(tick.rotated, now, tick.failureRate, spans);
        worker.startJobs(tick.rotated, now, spans);
        worker.finishedJobs(tick.shortJobs, now, tick.failureRate, spans);
        worker.heartbeat(now, spans);
        resourceSpans.add(worker.resourceSpans(spans));
      }
      ExportTraceServiceRequest request = TraceRequests.request(resourceSpans);
      bodies.add(request.toByteArray());
      spanCounts[r] = TraceRequests.spanCount(request);
    }
    return new RequestPlan(bodies, spanCounts);
  }

  long totalSpans() {
    long total = 0;
    for (int count : spanCounts) {
      total += count;
    }
    return total;
  }

  long totalBytes() {
    long total = 0;
    for (byte[] body : bodies) {
      total += body.length;
    }
    return total;
  }
}
