package io.jobpulse.agent.it;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jobpulse.contract.AttributeKeys;
import io.jobpulse.contract.LeaseProtocol;
import io.jobpulse.contract.SpanNames;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** The liveness lease of the real agent on a real child JVM, against a real socket server. */
class LeaseIT {

  private static final Duration WAIT = Duration.ofSeconds(30);

  static List<String> javas() {
    return AgentIT.javas();
  }

  private static ChildJvm start(String java, OtlpReceiver receiver, LeaseServer lease) throws Exception {
    return ChildJvm.start(java, "collector.endpoint=" + receiver.endpoint() + ",lease.endpoint=" + lease.endpoint()
        + ",heartbeat.interval=300ms,ingest.token=t0ken,jobs=io.jobpulse.testapp.Jobs#hang", "wait");
  }

  @ParameterizedTest
  @MethodSource("javas")
  void aGracefulExitSaysGoodbyeAfterTheStopSpan(String java) throws Exception {
    try (OtlpReceiver receiver = new OtlpReceiver(); LeaseServer server = new LeaseServer(101, 0); ChildJvm child = start(java, receiver, server)) {
      await().atMost(WAIT).until(() -> !server.leases().isEmpty() && server.leases().get(0).pings.get() >= 2);
      LeaseServer.Lease lease = server.leases().get(0);
      assertEquals("GET " + LeaseProtocol.PATH + " HTTP/1.1", lease.requestLine);
      assertEquals("Upgrade", lease.headers.get("connection"));
      assertEquals(LeaseProtocol.UPGRADE_TOKEN, lease.headers.get("upgrade"));
      assertEquals("Bearer t0ken", lease.headers.get("authorization"));
      String instanceId = lease.headers.get(LeaseProtocol.INSTANCE_ID_HEADER.toLowerCase());
      String reported = (String) await().atMost(WAIT).until(() -> receiver.spans(SpanNames.WORKER_HEARTBEAT), l -> !l.isEmpty())
          .get(0).resource.get(AttributeKeys.SERVICE_INSTANCE_ID);
      assertEquals(reported, instanceId);

      child.send("bye");
      assertEquals(0, child.awaitExit());
      await().atMost(WAIT).until(() -> lease.closed);
      assertTrue(lease.bye, "goodbye before closing");
      assertFalse(receiver.spans(SpanNames.WORKER_STOP).isEmpty(), "the stop span is flushed before the goodbye");
      assertEquals(1, server.leases().size());
    }
  }

  @ParameterizedTest
  @MethodSource("javas")
  void aKilledProcessClosesTheLeaseWithoutGoodbye(String java) throws Exception {
    try (OtlpReceiver receiver = new OtlpReceiver(); LeaseServer server = new LeaseServer(101, 0); ChildJvm child = start(java, receiver, server)) {
      await().atMost(WAIT).until(() -> !server.leases().isEmpty() && server.leases().get(0).pings.get() >= 1);
      child.kill();
      LeaseServer.Lease lease = server.leases().get(0);
      await().atMost(WAIT).until(() -> lease.closed);
      assertFalse(lease.bye);
    }
  }

  @ParameterizedTest
  @MethodSource("javas")
  void aLostLeaseIsReconnected(String java) throws Exception {
    try (OtlpReceiver receiver = new OtlpReceiver(); LeaseServer server = new LeaseServer(101, 2); ChildJvm child = start(java, receiver, server)) {
      await().atMost(WAIT).until(() -> server.leases().size() >= 2 && server.leases().get(1).pings.get() >= 1);
      assertTrue(server.leases().get(0).closed);
      child.send("bye");
      assertEquals(0, child.awaitExit());
    }
  }

  @ParameterizedTest
  @MethodSource("javas")
  void aPassingRefusalIsRetriedUntilTheLeaseIsUp(String java) throws Exception {
    // A collector restarting behind a proxy: 503 twice, then the lease is served.
    try (OtlpReceiver receiver = new OtlpReceiver(); LeaseServer server = new LeaseServer(List.of(503, 503, 101), 0);
        ChildJvm child = start(java, receiver, server)) {
      await().atMost(WAIT).until(() -> server.leases().size() == 3 && server.leases().get(2).pings.get() >= 1);
      assertTrue(server.leases().get(0).closed && server.leases().get(1).closed);
      assertTrue(child.stderr().contains("refused the liveness lease"), child.stderr());
      child.send("bye");
      assertEquals(0, child.awaitExit());
      await().atMost(WAIT).until(() -> server.leases().get(2).closed);
      assertTrue(server.leases().get(2).bye);
    }
  }

  @ParameterizedTest
  @MethodSource("javas")
  void aReceiverWithoutLeaseIsAskedOnceAndHeartbeatsGoOn(String java) throws Exception {
    try (OtlpReceiver receiver = new OtlpReceiver(); LeaseServer server = new LeaseServer(404, 0); ChildJvm child = start(java, receiver, server)) {
      await().atMost(WAIT).until(() -> server.leases().size() == 1 && server.leases().get(0).closed);
      // Several heartbeat intervals, each longer than the first reconnect backoff.
      await().atMost(WAIT).until(() -> receiver.spans(SpanNames.WORKER_HEARTBEAT).size() >= 5);
      child.send("bye");
      assertEquals(0, child.awaitExit());
      assertEquals(1, server.leases().size(), "no retry after a refusal");
      assertTrue(child.stderr().contains("offers no liveness lease"), child.stderr());
    }
  }
}
