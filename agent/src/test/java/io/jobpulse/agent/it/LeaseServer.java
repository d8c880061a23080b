package io.jobpulse.agent.it;

import io.jobpulse.contract.LeaseProtocol;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/** A real TCP server speaking the collector's side of the liveness lease, recording each lease. */
final class LeaseServer implements AutoCloseable {

  /** What happened on one connection. */
  static final class Lease {
    final Map<String, String> headers = new ConcurrentHashMap<>();
    volatile String requestLine;
    final AtomicInteger pings = new AtomicInteger();
    volatile boolean bye;
    volatile boolean closed;
  }

  private final ServerSocket server;
  /** The answers to the upgrade requests, in turn; the last one for every request after. */
  private final List<Integer> statuses;
  private final int pingsBeforeHangingUp;
  private final List<Lease> leases = new CopyOnWriteArrayList<>();
  private final Thread acceptor;

  /**
   * @param status the answer to the upgrade request: 101, or e.g. 404 for a plain OTLP receiver
   * @param pingsBeforeHangingUp the server closes a lease after this many pings; 0 for never
   */
  LeaseServer(int status, int pingsBeforeHangingUp) throws IOException {
    this(List.of(status), pingsBeforeHangingUp);
  }

  /** @param statuses the answers to the upgrade requests, in turn; the last one for every request after */
  LeaseServer(List<Integer> statuses, int pingsBeforeHangingUp) throws IOException {
    this.server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    this.statuses = List.copyOf(statuses);
    this.pingsBeforeHangingUp = pingsBeforeHangingUp;
    this.acceptor = new Thread(this::accept, "lease-server");
    this.acceptor.setDaemon(true);
    this.acceptor.start();
  }

  String endpoint() {
    return "http://127.0.0.1:" + server.getLocalPort();
  }

  List<Lease> leases() {
    return leases;
  }

  private void accept() {
    while (!server.isClosed()) {
      try {
        Socket socket = server.accept();
        Thread handler = new Thread(() -> serve(socket), "lease-connection");
        handler.setDaemon(true);
        handler.start();
      } catch (IOException e) {
        return;
      }
    }
  }

  private void serve(Socket socket) {
    Lease lease = new Lease();
    int status;
    synchronized (leases) {
      status = statuses.get(Math.min(leases.size(), statuses.size() - 1));
      leases.add(lease);
    }
    try (socket) {
      BufferedReader in = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.US_ASCII));
      OutputStream out = socket.getOutputStream();
      lease.requestLine = in.readLine();
      for (String header = in.readLine(); header != null && !header.isEmpty(); header = in.readLine()) {
        int colon = header.indexOf(':');
        lease.headers.put(header.substring(0, colon).trim().toLowerCase(), header.substring(colon + 1).trim());
      }
      if (status != 101) {
        out.write(("HTTP/1.1 " + status + " Refused\r\nContent-Length: 0\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
        out.flush();
        return;
      }
      out.write(("HTTP/1.1 101 Switching Protocols\r\nConnection: Upgrade\r\nUpgrade: " + LeaseProtocol.UPGRADE_TOKEN + "\r\n\r\n")
          .getBytes(StandardCharsets.US_ASCII));
      out.flush();
      for (String line = in.readLine(); line != null; line = in.readLine()) {
        if (line.equals(LeaseProtocol.PING)) {
          if (lease.pings.incrementAndGet() == pingsBeforeHangingUp) {
            return;
          }
          out.write((LeaseProtocol.PONG + "\n").getBytes(StandardCharsets.US_ASCII));
          out.flush();
        } else if (line.equals(LeaseProtocol.BYE)) {
          lease.bye = true;
        }
      }
    } catch (IOException e) {
      // the agent went away: recorded below
    } finally {
      lease.closed = true;
    }
  }

  @Override
  public void close() throws IOException {
    server.close();
  }
}
