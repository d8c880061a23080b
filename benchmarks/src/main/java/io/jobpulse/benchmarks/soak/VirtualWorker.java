package io.jobpulse.benchmarks.soak;

import io.jobpulse.benchmarks.otlp.OtlpHttpSender;
import io.jobpulse.benchmarks.otlp.SimulatedWorker;
import io.jobpulse.benchmarks.otlp.TraceRequests;
import io.opentelemetry.proto.trace.v1.Span;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * A simulated worker process of the soak: a {@link SimulatedWorker} (its OTLP spans) plus its own
 * liveness lease. Each {@link #tick} is one heartbeat interval of the agent: some runs end, some
 * start, a few short ones come and go, and the heartbeat lists what runs now — one request, in
 * order. {@link #kill} is a {@code kill -9}: the lease closes without goodbye and nothing more is
 * sent.
 *
 * <p>Ticks, pings and the kill run on different threads. Ticks and the kill synchronize on this
 * object, so that a kill never overlaps a request in flight (the job list the kill reports must be
 * what the collector was told). The lease has a lock of its own, as the agent's lease has a thread
 * of its own: a slow export must never delay a {@code PING}, or the collector would rightly close
 * the silent lease and the soak would count a false positive of its own making.
 */
final class VirtualWorker {

  private static final int TARGET_ACTIVE = 3;
  private static final double FAILURE_RATE = 0.05;

  private final SimulatedWorker spans;
  private final SplittableRandom random;
  private final Object leaseLock = new Object();
  private LeaseConnection lease; // guarded by leaseLock
  private boolean dead;

  VirtualWorker(String serviceName, long seed, long heartbeatIntervalMs) {
    this.spans = new SimulatedWorker(serviceName, seed, heartbeatIntervalMs);
    this.random = new SplittableRandom(seed ^ 0x5DEECE66DL);
  }

  String instanceId() {
    return spans.instanceId();
  }

  /**
   * The first heartbeat (announcing its first runs), then the lease, like an agent at start-up.
   *
   * @return whether the collector acknowledged the spans
   */
  synchronized boolean start(OtlpHttpSender sender, String host, int otlpPort) throws IOException, InterruptedException {
    List<Span> out = new ArrayList<>();
    long now = nowNanos();
    spans.startJobs(TARGET_ACTIVE, now, out);
    spans.heartbeat(now, out);
    boolean sent = send(sender, out);
    LeaseConnection opened = LeaseConnection.open(host, otlpPort, spans.instanceId());
    synchronized (leaseLock) {
      lease = opened;
    }
    return sent;
  }

  /** One heartbeat interval of work; nothing once dead. */
  synchronized boolean tick(OtlpHttpSender sender) throws InterruptedException {
    if (dead) {
      return true;
    }
    List<Span> out = new ArrayList<>();
    long now = nowNanos();
    int ending = random.nextInt(TARGET_ACTIVE + 1);
    spans.endJobs(ending, now, FAILURE_RATE, out);
    spans.startJobs(Math.max(0, TARGET_ACTIVE - spans.activeCount() + random.nextInt(2) - random.nextInt(2)), now, out);
    spans.finishedJobs(random.nextInt(3), now, FAILURE_RATE, out);
    spans.heartbeat(now, out);
    return send(sender, out);
  }

  /**
   * One lease {@code PING}.
   *
   * @return {@code false} when the lease is gone though the worker lives (the collector closed it)
   */
  boolean ping() {
    synchronized (leaseLock) {
      if (lease == null) {
        return true;
      }
      try {
        lease.ping();
        return true;
      } catch (IOException e) {
        lease.kill();
        lease = null;
        return false;
      }
    }
  }

  /**
   * {@code kill -9}: closes the lease without {@code BYE} and stops sending.
   *
   * @return the runs the collector was last told are in progress (the ones that must be flagged)
   */
  List<String> kill() {
    List<String> running;
    synchronized (this) {
      dead = true;
      running = spans.activeJobIds();
    }
    synchronized (leaseLock) {
      if (lease != null) {
        lease.kill();
        lease = null;
      }
    }
    return running;
  }

  private boolean send(OtlpHttpSender sender, List<Span> out) throws InterruptedException {
    return sender.send(TraceRequests.request(List.of(spans.resourceSpans(out))).toByteArray());
  }

  private static long nowNanos() {
    return System.currentTimeMillis() * 1_000_000L;
  }
}
