package io.jobpulse.benchmarks.otlp;

import com.google.protobuf.ByteString;
import io.jobpulse.contract.JobOutcome;
import io.opentelemetry.proto.resource.v1.Resource;
import io.opentelemetry.proto.trace.v1.ResourceSpans;
import io.opentelemetry.proto.trace.v1.Span;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.UUID;

/**
 * One simulated JVM under the JobPulse agent: its resource, the runs it has in progress, and the
 * spans the agent would send for them. Not thread-safe: one worker belongs to one sender thread,
 * which also keeps its spans in order (a run's start before its end).
 */
public final class SimulatedWorker {

  private static final int JOB_NAMES = 50;

  private final Resource resource;
  private final String serviceName;
  private final String instanceId;
  private final SplittableRandom random;
  private final long heartbeatIntervalMs;
  private final ArrayDeque<SimulatedJob> active = new ArrayDeque<>();
  private long threadSeq;

  /**
   * @param serviceName the {@code service.name} (several workers may share one)
   * @param seed makes the ids and the mix reproducible
   * @param heartbeatIntervalMs the interval the worker advertises in each heartbeat
   */
  public SimulatedWorker(String serviceName, long seed, long heartbeatIntervalMs) {
    this.random = new SplittableRandom(seed);
    this.serviceName = serviceName;
    this.instanceId = new UUID(random.nextLong(), random.nextLong()).toString();
    this.heartbeatIntervalMs = heartbeatIntervalMs;
    this.resource = TraceRequests.resource(serviceName, instanceId, 1000 + random.nextInt(4_000_000), "bench-host");
  }

  public String serviceName() {
    return serviceName;
  }

  public String instanceId() {
    return instanceId;
  }

  public int activeCount() {
    return active.size();
  }

  /** The ids of the runs in progress, oldest first. */
  public List<String> activeJobIds() {
    List<String> ids = new ArrayList<>(active.size());
    for (SimulatedJob job : active) {
      ids.add(job.id);
    }
    return ids;
  }

  /** Starts {@code count} runs and announces them: one {@code jobpulse.job.start} span each. */
  public void startJobs(int count, long nowEpochNanos, List<Span> out) {
    for (int i = 0; i < count; i++) {
      SimulatedJob job = newJob(nowEpochNanos - 150_000_000L);
      active.addLast(job);
      out.add(TraceRequests.jobStart(job, spanId(), nowEpochNanos));
    }
  }

  /**
   * Ends the {@code count} oldest runs in progress: one {@code jobpulse.job} span each, a fraction
   * {@code failureRate} of them failed.
   */
  public void endJobs(int count, long nowEpochNanos, double failureRate, List<Span> out) {
    for (int i = 0; i < count && !active.isEmpty(); i++) {
      SimulatedJob job = active.pollFirst();
      job.done = job.total;
      out.add(TraceRequests.jobEnd(job, nowEpochNanos, outcome(failureRate)));
    }
  }

  /** Runs that start, are announced and end within the interval: a start and an end span each. */
  public void finishedJobs(int count, long nowEpochNanos, double failureRate, List<Span> out) {
    for (int i = 0; i < count; i++) {
      SimulatedJob job = newJob(nowEpochNanos - 500_000_000L);
      out.add(TraceRequests.jobStart(job, spanId(), nowEpochNanos - 350_000_000L));
      job.done = job.total;
      out.add(TraceRequests.jobEnd(job, nowEpochNanos, outcome(failureRate)));
    }
  }

  /** The heartbeat: every run in progress progresses a little and is listed with its event. */
  public void heartbeat(long nowEpochNanos, List<Span> out) {
    for (SimulatedJob job : active) {
      job.done = Math.min(job.total, job.done + 1 + random.nextInt(10));
    }
    out.add(TraceRequests.heartbeat(traceId(), spanId(), active, heartbeatIntervalMs, nowEpochNanos));
  }

  /** This worker's spans under its resource. */
  public ResourceSpans resourceSpans(List<Span> spans) {
    return TraceRequests.resourceSpans(resource, spans);
  }

  private SimulatedJob newJob(long startEpochNanos) {
    String name = "com.acme.jobs.Job" + random.nextInt(JOB_NAMES) + "#run";
    String thread = "worker-" + (threadSeq++ % 16);
    return new SimulatedJob(traceId(), spanId(), name, thread, startEpochNanos, 100 + random.nextInt(10_000));
  }

  private JobOutcome outcome(double failureRate) {
    return random.nextDouble() < failureRate ? JobOutcome.FAILED : JobOutcome.COMPLETED;
  }

  private ByteString traceId() {
    byte[] id = new byte[16];
    random.nextBytes(id);
    id[0] |= 1; // never the all-zero invalid id
    return ByteString.copyFrom(id);
  }

  private ByteString spanId() {
    byte[] id = new byte[8];
    random.nextBytes(id);
    id[0] |= 1;
    return ByteString.copyFrom(id);
  }
}
