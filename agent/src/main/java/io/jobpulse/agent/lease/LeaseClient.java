package io.jobpulse.agent.lease;

import io.jobpulse.agent.log.AgentLog;
import io.jobpulse.contract.LeaseProtocol;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import javax.net.ssl.SSLSocketFactory;

/**
 * The liveness lease (DESIGN.md): one long-lived connection to the collector, upgraded from HTTP,
 * that pings every second and says {@code BYE} on graceful exit, so that a closing without goodbye
 * tells the collector at once that this process died.
 *
 * <p>One daemon thread with a plain blocking socket; the application never waits on it. An
 * endpoint that does not serve the lease (a plain OTLP receiver answers 404) ends it for good:
 * heartbeats alone remain. Any other refusal (a collector starting or stopping behind a proxy that
 * answers 502/503, a token it does not take yet) and a lost connection are retried with exponential
 * backoff, so that a passing refusal never costs the process its fast crash detection for good.
 */
public final class LeaseClient {

  private static final int CONNECT_TIMEOUT_MS = 2000;
  /** A collector that does not answer a ping within this time is treated as gone. */
  private static final int READ_TIMEOUT_MS = 5000;
  private static final long FIRST_BACKOFF_MS = 500;
  private static final long MAX_BACKOFF_MS = 30_000;
  private static final int MAX_LINE = 8192;
  /**
   * Answers that say this endpoint does not serve the lease at all (no such path or method, no
   * upgrade): asking again would get the same. Anything else may pass.
   */
  private static final Set<String> NO_LEASE_HERE = Set.of("400", "404", "405", "501");

  private final URI endpoint;
  private final String instanceId;
  private final String token;
  private final Thread thread;
  /**
   * Guards {@link #socket}, {@link #closing} and writes: the lease thread pings, the shutdown hook
   * says goodbye.
   */
  private final Object writeLock = new Object();

  // Written under writeLock; volatile so the lease thread's loops can read them without it.
  private volatile boolean closing;
  private volatile Socket socket;
  private volatile boolean upgraded;

  public LeaseClient(URI endpoint, String instanceId, String token) {
    this.endpoint = endpoint;
    this.instanceId = instanceId;
    this.token = token;
    this.thread = new Thread(this::run, "jobpulse-lease");
    this.thread.setDaemon(true);
  }

  public void start() {
    thread.start();
  }

  /** Says goodbye if the lease is up, and closes it. Called once, by the shutdown hook. */
  public void close() {
    synchronized (writeLock) {
      // Set under the lock: the lease thread cannot drop the socket between this and the goodbye.
      closing = true;
      Socket current = socket;
      if (current != null) {
        if (upgraded) {
          try {
            OutputStream out = current.getOutputStream();
            out.write((LeaseProtocol.BYE + "\n").getBytes(StandardCharsets.US_ASCII));
            out.flush();
          } catch (IOException e) {
            // the connection is gone already: nothing left to say goodbye on
          }
        }
        closeQuietly(current);
      }
    }
    LockSupport.unpark(thread);
  }

  private void run() {
    long backoffMs = FIRST_BACKOFF_MS;
    while (!closing) {
      try {
        if (!connectAndPing()) {
          return; // refused for good
        }
        backoffMs = FIRST_BACKOFF_MS;
      } catch (IOException | RuntimeException e) {
        if (closing) {
          return;
        }
        if (upgraded) {
          // A lease that was up broke: try again soon. A collector not reached at all is
          // already reported by the span exporter.
          backoffMs = FIRST_BACKOFF_MS;
          AgentLog.warnOnce("lease-lost", "the liveness lease to " + endpoint + " broke (" + e + "); reconnecting with backoff, heartbeats go on");
        }
      } finally {
        Socket current;
        synchronized (writeLock) {
          upgraded = false;
          current = socket;
          socket = null;
        }
        if (current != null) {
          closeQuietly(current);
        }
      }
      pause(backoffMs);
      backoffMs = Math.min(backoffMs * 2, MAX_BACKOFF_MS);
    }
  }

  /**
   * Holds one lease until it breaks.
   *
   * @return {@code false} when the collector refuses the upgrade: no lease with it, ever
   */
  private boolean connectAndPing() throws IOException {
    boolean tls = "https".equals(endpoint.getScheme());
    int port = endpoint.getPort() > 0 ? endpoint.getPort() : tls ? 443 : 80;
    Socket s = tls ? SSLSocketFactory.getDefault().createSocket() : new Socket();
    synchronized (writeLock) {
      if (closing) {
        closeQuietly(s);
        return false;
      }
      socket = s;
    }
    s.connect(new InetSocketAddress(endpoint.getHost(), port), CONNECT_TIMEOUT_MS);
    s.setSoTimeout(READ_TIMEOUT_MS);
    s.setTcpNoDelay(true);
    InputStream in = new BufferedInputStream(s.getInputStream());
    OutputStream out = s.getOutputStream();
    write(out, upgradeRequest(endpoint.getHost() + ":" + port));

    String status = readLine(in);
    while (true) { // the response headers: nothing in them matters beyond the status
      String header = readLine(in);
      if (header.isEmpty()) {
        break;
      }
    }
    String[] parts = status.split(" ", 3);
    String code = parts.length < 2 ? "" : parts[1];
    if (NO_LEASE_HERE.contains(code)) {
      AgentLog.info("the collector at " + endpoint + " offers no liveness lease (answered '" + status + "'); going on with heartbeats alone");
      return false;
    }
    if (!code.equals("101")) {
      AgentLog.warnOnce("lease-refused", "the collector at " + endpoint + " refused the liveness lease (answered '" + status
          + "'); retrying with backoff, heartbeats go on");
      throw new IOException("lease refused: " + status);
    }
    upgraded = true;
    while (!closing) {
      write(out, LeaseProtocol.PING + "\n");
      String answer = readLine(in);
      if (!answer.equals(LeaseProtocol.PONG)) {
        throw new IOException("expected " + LeaseProtocol.PONG + ", got '" + answer + "'");
      }
      pause(LeaseProtocol.PING_INTERVAL_MS);
    }
    return true;
  }

  private String upgradeRequest(String host) {
    StringBuilder request = new StringBuilder()
        .append("GET ").append(LeaseProtocol.PATH).append(" HTTP/1.1\r\n")
        .append("Host: ").append(host).append("\r\n")
        .append("Connection: Upgrade\r\n")
        .append("Upgrade: ").append(LeaseProtocol.UPGRADE_TOKEN).append("\r\n")
        .append(LeaseProtocol.INSTANCE_ID_HEADER).append(": ").append(instanceId).append("\r\n");
    if (token != null) {
      request.append("Authorization: Bearer ").append(token).append("\r\n");
    }
    return request.append("\r\n").toString();
  }

  private void write(OutputStream out, String text) throws IOException {
    synchronized (writeLock) {
      if (closing) {
        throw new IOException("closing");
      }
      out.write(text.getBytes(StandardCharsets.US_ASCII));
      out.flush();
    }
  }

  /** One line without its {@code \r\n} or {@code \n}. */
  private static String readLine(InputStream in) throws IOException {
    StringBuilder line = new StringBuilder();
    while (true) {
      int b = in.read();
      if (b < 0) {
        throw new IOException("the collector closed the lease");
      }
      if (b == '\n') {
        int end = line.length();
        return end > 0 && line.charAt(end - 1) == '\r' ? line.substring(0, end - 1) : line.toString();
      }
      if (line.length() >= MAX_LINE) {
        throw new IOException("line too long from the collector");
      }
      line.append((char) b);
    }
  }

  /** Waits, unless {@link #close} wakes the thread up. */
  private void pause(long millis) {
    long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(millis);
    long left;
    while (!closing && (left = deadline - System.nanoTime()) > 0) {
      LockSupport.parkNanos(this, left);
    }
  }

  private static void closeQuietly(Socket s) {
    try {
      s.close();
    } catch (IOException e) {
      // closing is all we wanted
    }
  }
}
