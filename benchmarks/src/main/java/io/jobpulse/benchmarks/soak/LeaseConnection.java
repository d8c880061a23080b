package io.jobpulse.benchmarks.soak;

import io.jobpulse.contract.LeaseProtocol;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;

/**
 * One worker's liveness lease as the agent opens it (otel-config {@link LeaseProtocol}): {@code GET
 * /v1/jobpulse/lease} with {@code Upgrade}, then {@code PING} lines. {@link #kill()} closes the
 * socket without {@code BYE}, as the OS does for a {@code kill -9}ed process. Used by one thread at
 * a time (the caller synchronizes).
 */
final class LeaseConnection {

  private static final int HANDSHAKE_TIMEOUT_MS = 10_000;
  private static final byte[] PING = (LeaseProtocol.PING + "\n").getBytes(StandardCharsets.US_ASCII);

  private final Socket socket;
  private final OutputStream out;
  private final InputStream in;
  private final byte[] drain = new byte[256];

  private LeaseConnection(Socket socket) throws IOException {
    this.socket = socket;
    this.out = socket.getOutputStream();
    this.in = socket.getInputStream();
  }

  /**
   * Connects and upgrades; returns once the collector answered {@code 101}.
   *
   * @throws IOException when the collector refuses (any other status) or does not answer in time
   */
  static LeaseConnection open(String host, int port, String instanceId) throws IOException {
    Socket socket = new Socket();
    try {
      socket.connect(new InetSocketAddress(host, port), HANDSHAKE_TIMEOUT_MS);
      socket.setSoTimeout(HANDSHAKE_TIMEOUT_MS);
      socket.setTcpNoDelay(true);
      LeaseConnection lease = new LeaseConnection(socket);
      String request = "GET " + LeaseProtocol.PATH + " HTTP/1.1\r\n"
          + "Host: " + host + ":" + port + "\r\n"
          + "Connection: Upgrade\r\n"
          + "Upgrade: " + LeaseProtocol.UPGRADE_TOKEN + "\r\n"
          + LeaseProtocol.INSTANCE_ID_HEADER + ": " + instanceId + "\r\n\r\n";
      lease.out.write(request.getBytes(StandardCharsets.US_ASCII));
      lease.out.flush();
      String status = lease.readResponseHead();
      if (!status.startsWith("HTTP/1.1 101")) {
        throw new IOException("lease refused: " + status);
      }
      return lease;
    } catch (IOException | RuntimeException e) {
      socket.close();
      throw e;
    }
  }

  /** Reads the response up to the blank line; returns its status line. */
  private String readResponseHead() throws IOException {
    ByteArrayOutputStream head = new ByteArrayOutputStream();
    int matched = 0; // how much of "\r\n\r\n" was just read
    while (matched < 4) {
      int b = in.read();
      if (b < 0) {
        throw new IOException("lease closed during the handshake: " + head);
      }
      head.write(b);
      matched = (b == (matched % 2 == 0 ? '\r' : '\n')) ? matched + 1 : (b == '\r' ? 1 : 0);
    }
    String text = head.toString(StandardCharsets.US_ASCII);
    return text.substring(0, text.indexOf('\r'));
  }

  /** Sends {@code PING} and discards the {@code PONG}s that arrived since the last one, without blocking. */
  void ping() throws IOException {
    out.write(PING);
    out.flush();
    for (int available = in.available(); available > 0; available = in.available()) {
      if (in.read(drain, 0, Math.min(available, drain.length)) < 0) {
        throw new IOException("lease closed by the collector");
      }
    }
  }

  /** Closes without a goodbye: what the collector sees of a killed process. */
  void kill() {
    try {
      socket.close();
    } catch (IOException e) {
      // closed either way
    }
  }
}
