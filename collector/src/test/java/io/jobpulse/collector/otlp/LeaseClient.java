package io.jobpulse.collector.otlp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jobpulse.contract.LeaseProtocol;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;

/** The agent's side of a lease, over a plain socket. */
final class LeaseClient implements AutoCloseable {
  private final Socket socket;
  private final OutputStream out;
  private final BufferedReader in;

  private LeaseClient(Socket socket) throws IOException {
    this.socket = socket;
    this.out = socket.getOutputStream();
    this.in = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.US_ASCII));
  }

  static LeaseClient open(int port, String instanceId) throws IOException {
    LeaseClient lease = new LeaseClient(new Socket("127.0.0.1", port));
    lease.socket.setSoTimeout(10_000);
    lease.out.write(("GET " + LeaseProtocol.PATH + " HTTP/1.1\r\n"
        + "Host: 127.0.0.1:" + port + "\r\n"
        + "Connection: Upgrade\r\n"
        + "Upgrade: " + LeaseProtocol.UPGRADE_TOKEN + "\r\n"
        + LeaseProtocol.INSTANCE_ID_HEADER + ": " + instanceId + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
    lease.out.flush();
    String statusLine = lease.in.readLine();
    assertEquals("HTTP/1.1 101 Switching Protocols", statusLine);
    boolean upgradeHeader = false;
    for (String header; !(header = lease.in.readLine()).isEmpty(); ) {
      upgradeHeader |= header.equalsIgnoreCase("upgrade: " + LeaseProtocol.UPGRADE_TOKEN);
    }
    assertTrue(upgradeHeader, "101 must name the protocol");
    return lease;
  }

  void send(String line) throws IOException {
    out.write((line + "\n").getBytes(StandardCharsets.US_ASCII));
    out.flush();
  }

  String ping() throws IOException {
    send(LeaseProtocol.PING);
    return in.readLine();
  }

  boolean closedByPeer() throws IOException {
    return in.read() < 0;
  }

  @Override
  public void close() throws IOException {
    socket.close();
  }
}
