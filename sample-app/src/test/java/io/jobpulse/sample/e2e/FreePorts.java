package io.jobpulse.sample.e2e;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;

/**
 * Ports chosen by the test, for a collector that must come back on the same ports after a
 * restart (a port the OS picked might be taken by then), or for an endpoint nobody listens on.
 */
final class FreePorts {

  static int pick() {
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return socket.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private FreePorts() {}
}
