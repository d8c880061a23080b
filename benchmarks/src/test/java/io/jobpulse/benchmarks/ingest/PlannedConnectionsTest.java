package io.jobpulse.benchmarks.ingest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jobpulse.benchmarks.common.CollectorProcess;
import io.jobpulse.benchmarks.common.JobsApi;
import io.jobpulse.benchmarks.common.RepoLayout;
import io.jobpulse.benchmarks.otlp.SimulatedWorker;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.HdrHistogram.Histogram;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The load generator's connections against a real collector (the jar the collector module built). */
class PlannedConnectionsTest {

  private static final long FAR = TimeUnit.MINUTES.toNanos(5);
  private static CollectorProcess collector;

  @BeforeAll
  static void startCollector(@TempDir Path workDir) throws Exception {
    collector = CollectorProcess.start(RepoLayout.current().collectorJar(), workDir, List.of("-Xmx256m"));
  }

  @AfterAll
  static void stopCollector() {
    if (collector != null) {
      collector.close();
    }
  }

  @Test
  void sendsEveryPlannedRequestAndCountsTheAcknowledgedSpans() throws Exception {
    RequestPlan plan = plan("planned-connections", 3, 5);
    long planned = Arrays.stream(plan.spanCounts).sum();
    AtomicLong acked = new AtomicLong();

    long now = System.nanoTime();
    try (PlannedConnections connections = new PlannedConnections(collector.otlpBaseUrl())) {
      Histogram latency = connections.send(plan, acked, now, now + FAR).get(1, TimeUnit.MINUTES);

      assertEquals(0, connections.failed(), connections.firstFailure());
      assertEquals(0, connections.throttled());
      assertEquals(planned, acked.get());
      assertEquals(5, latency.getTotalCount());
    }
    // Acknowledged means written: the runs the requests ended are listed at once.
    assertTrue(new JobsApi(collector.apiBaseUrl()).jobs("COMPLETED", "planned-connections", 1_000).size() > 0);
  }

  @Test
  void stopsAtTheDeadlineAndLeavesTheWarmUpOutOfTheLatencies() throws Exception {
    RequestPlan plan = plan("planned-connections-deadline", 2, 3);
    AtomicLong acked = new AtomicLong();

    long now = System.nanoTime();
    try (PlannedConnections connections = new PlannedConnections(collector.otlpBaseUrl())) {
      Histogram past = connections.send(plan, acked, now, now - 1).get(1, TimeUnit.MINUTES);
      Histogram warmingUp = connections.send(plan, acked, now + FAR, now + FAR).get(1, TimeUnit.MINUTES);

      assertEquals(0, past.getTotalCount());
      assertEquals(0, warmingUp.getTotalCount());
      assertEquals(Arrays.stream(plan.spanCounts).sum(), acked.get()); // the second one sent them all
      assertEquals(0, connections.failed(), connections.firstFailure());
    }
  }

  @Test
  void countsARefusedConnectionAsFailedAndEnds() throws Exception {
    int closedPort;
    try (ServerSocket socket = new ServerSocket(0)) {
      closedPort = socket.getLocalPort();
    }
    AtomicLong acked = new AtomicLong();

    long now = System.nanoTime();
    try (PlannedConnections connections = new PlannedConnections("http://127.0.0.1:" + closedPort)) {
      connections.send(plan("planned-connections-refused", 1, 1), acked, now, now + FAR).get(1, TimeUnit.MINUTES);

      assertEquals(1, connections.failed());
      assertTrue(connections.firstFailure().startsWith("connect:"), connections.firstFailure());
      assertEquals(0, acked.get());
    }
  }

  private static RequestPlan plan(String service, int workers, int requests) {
    List<SimulatedWorker> simulated = new ArrayList<>();
    for (int w = 0; w < workers; w++) {
      simulated.add(new SimulatedWorker(service, w, 60_000));
    }
    return RequestPlan.build(simulated, 2, requests, new RequestPlan.Tick(3, 1, 4, 0.0));
  }
}
