package io.jobpulse.collector.hostile;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jobpulse.collector.testing.RunningCollector;
import io.jobpulse.collector.testing.TestHttp;
import io.jobpulse.contract.LeaseProtocol;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Connections that open and never finish a request are closed within seconds on both HTTP ports
 * (request timeout 1 s here), a request that had begun gets a 408; a liveness lease, no longer
 * HTTP, keeps its own rule: open while it pings, closed when it goes silent.
 */
class IdleConnectionTest {

  private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(1);
  /** Well above the timeout, well below a hang. */
  private static final Duration CLOSED_WITHIN = Duration.ofSeconds(10);

  @TempDir Path dir;
  private final TestHttp http = new TestHttp();
  private final ScheduledExecutorService drip = Executors.newSingleThreadScheduledExecutor();
  private RunningCollector collector;
  private Sentinel sentinel;

  @BeforeEach
  void start() {
    collector = new RunningCollector(dir, c -> c.requestTimeout(REQUEST_TIMEOUT).leaseIdleTimeout(Duration.ofSeconds(2)));
    sentinel = Sentinel.seed(collector, http);
  }

  @AfterEach
  void stop() {
    drip.shutdownNow();
    try {
      sentinel.assertUnchanged();
    } finally {
      collector.close();
    }
  }

  @Test
  void aConnectionThatSendsNothingIsClosed() throws IOException {
    for (int port : ports()) {
      try (Socket socket = connect(port)) {
        assertTrue(RawHttp.closedWithin(socket, CLOSED_WITHIN), "port " + port + " kept a silent connection");
      }
    }
  }

  @Test
  void aRequestThatNeverFinishesGets408AndIsClosed() throws IOException {
    for (int port : ports()) {
      try (Socket socket = connect(port)) {
        socket.getOutputStream().write(("POST /v1/traces HTTP/1.1\r\nHost: x\r\nContent-Type: application/x-protobuf\r\n"
            + "Content-Length: 100\r\n\r\nabc").getBytes(StandardCharsets.ISO_8859_1));
        socket.setSoTimeout((int) CLOSED_WITHIN.toMillis());
        RawHttp.Response response = RawHttp.read(socket.getInputStream());
        assertEquals(408, response.status(), "port " + port + ": " + response);
        assertTrue(response.body().contains("not complete"), response.body());
        assertTrue(RawHttp.closedWithin(socket, CLOSED_WITHIN));
      }
      try (Socket socket = connect(port)) {
        socket.getOutputStream().write("GET /api/jobs HTTP/1.1\r\nHo".getBytes(StandardCharsets.ISO_8859_1));
        assertTrue(RawHttp.closedWithin(socket, CLOSED_WITHIN), "port " + port + " kept a half-sent head");
      }
    }
  }

  @Test
  void aSlowLorisIsClosedThoughItKeepsSendingBytes() throws IOException {
    for (int port : ports()) {
      try (Socket socket = connect(port)) {
        OutputStream out = socket.getOutputStream();
        out.write("GET /healthz HTTP/1.1\r\n".getBytes(StandardCharsets.ISO_8859_1));
        // One header byte every 200 ms: each read alone is recent, the request never completes.
        drip.scheduleAtFixedRate(() -> {
          try {
            out.write('x');
          } catch (IOException closed) {
            throw new IllegalStateException(closed); // stops the drip
          }
        }, 0, 200, TimeUnit.MILLISECONDS);
        assertTrue(RawHttp.closedWithin(socket, CLOSED_WITHIN), "port " + port + " kept a slow loris");
      }
    }
  }

  @Test
  void anIdleKeepAliveConnectionIsClosedAfterItsAnswer() throws IOException {
    for (int port : ports()) {
      try (Socket socket = connect(port)) {
        socket.getOutputStream().write("GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1));
        socket.setSoTimeout((int) CLOSED_WITHIN.toMillis());
        int status = RawHttp.read(socket.getInputStream()).status();
        assertTrue(status == 200 || status == 404, "port " + port + " answered " + status);
        assertTrue(RawHttp.closedWithin(socket, CLOSED_WITHIN), "port " + port + " kept an idle keep-alive connection");
      }
    }
  }

  @Test
  void aLeaseOutlivesTheRequestTimeoutWhileItPingsAndIsClosedWhenSilent() throws IOException {
    try (Socket socket = connect(collector.otlpPort())) {
      OutputStream out = socket.getOutputStream();
      out.write(("GET " + LeaseProtocol.PATH + " HTTP/1.1\r\nHost: x\r\nConnection: Upgrade\r\nUpgrade: "
          + LeaseProtocol.UPGRADE_TOKEN + "\r\n" + LeaseProtocol.INSTANCE_ID_HEADER + ": idle-test\r\n\r\n")
          .getBytes(StandardCharsets.ISO_8859_1));
      socket.setSoTimeout((int) CLOSED_WITHIN.toMillis());
      BufferedReader in = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.US_ASCII));
      assertTrue(in.readLine().contains("101"));
      while (!in.readLine().isEmpty()) {
        // the rest of the 101's head
      }
      long until = System.nanoTime() + 4 * REQUEST_TIMEOUT.toNanos();
      AtomicBoolean answered = new AtomicBoolean();
      while (System.nanoTime() < until) {
        out.write((LeaseProtocol.PING + "\n").getBytes(StandardCharsets.US_ASCII));
        assertEquals(LeaseProtocol.PONG, in.readLine(), "the lease stopped answering");
        answered.set(true);
        await().pollDelay(Duration.ofMillis(300)).atMost(Duration.ofSeconds(1)).until(() -> true); // the agent's pace
      }
      assertTrue(answered.get());
      assertTrue(RawHttp.closedWithin(socket, CLOSED_WITHIN), "a silent lease was kept");
    }
  }

  private int[] ports() {
    return new int[] {collector.otlpPort(), collector.collector().httpPort()};
  }

  private static Socket connect(int port) throws IOException {
    Socket socket = new Socket();
    socket.connect(new InetSocketAddress("127.0.0.1", port), 5_000);
    return socket;
  }
}
