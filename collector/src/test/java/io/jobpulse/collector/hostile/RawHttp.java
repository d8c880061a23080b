package io.jobpulse.collector.hostile;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/**
 * Bytes on a socket, for what a well-behaved HTTP client refuses to send: malformed request lines,
 * absurd headers, URIs that do not decode, requests that never finish.
 */
final class RawHttp {

  /** A response as read off the wire, or the connection closed without one ({@code status} 0). */
  record Response(int status, String head, String body) {
    String header(String name) {
      for (String line : head.split("\r\n")) {
        int colon = line.indexOf(':');
        if (colon > 0 && line.substring(0, colon).trim().equalsIgnoreCase(name)) {
          return line.substring(colon + 1).trim();
        }
      }
      return null;
    }

    @Override
    public String toString() {
      return status + " " + body;
    }
  }

  /** Sends {@code request} and reads one response; fails when none comes within {@code within}. */
  static Response exchange(int port, byte[] request, Duration within) {
    try (Socket socket = new Socket()) {
      socket.connect(new InetSocketAddress("127.0.0.1", port), 5_000);
      socket.setSoTimeout((int) within.toMillis());
      try {
        socket.getOutputStream().write(request);
        socket.getOutputStream().flush();
      } catch (IOException e) {
        // The server may answer and close before it read everything (413, 431): read what it said.
      }
      return read(socket.getInputStream());
    } catch (SocketTimeoutException e) {
      throw new AssertionError("no response within " + within + " (the server hangs)", e);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static Response exchange(int port, String request) {
    return exchange(port, request.getBytes(StandardCharsets.ISO_8859_1), Duration.ofSeconds(10));
  }

  /** Reads one response: the head, then Content-Length bytes (or to the close). */
  static Response read(InputStream in) throws IOException {
    ByteArrayOutputStream head = new ByteArrayOutputStream();
    int b;
    try {
      while ((b = in.read()) >= 0) {
        head.write(b);
        byte[] h = head.toByteArray();
        int n = h.length;
        if (n >= 4 && h[n - 4] == '\r' && h[n - 3] == '\n' && h[n - 2] == '\r' && h[n - 1] == '\n') {
          break;
        }
      }
    } catch (java.net.SocketException reset) {
      // reset before or while the head arrived: handled as no response below
    }
    String headText = head.toString(StandardCharsets.ISO_8859_1);
    if (!headText.startsWith("HTTP/")) {
      return new Response(0, headText, "");
    }
    int status = Integer.parseInt(headText.substring(9, 12));
    Response partial = new Response(status, headText, "");
    String length = partial.header("content-length");
    ByteArrayOutputStream body = new ByteArrayOutputStream();
    if (length != null) {
      byte[] bytes = in.readNBytes(Integer.parseInt(length.trim()));
      body.write(bytes);
    }
    return new Response(status, headText, body.toString(StandardCharsets.UTF_8));
  }

  /** Whether the server closed the connection (read returned end of stream or a reset) within {@code within}. */
  static boolean closedWithin(Socket socket, Duration within) throws IOException {
    socket.setSoTimeout((int) within.toMillis());
    InputStream in = socket.getInputStream();
    try {
      while (in.read() >= 0) {
        // drain whatever the server said before closing (a 408)
      }
      return true;
    } catch (SocketTimeoutException e) {
      return false;
    } catch (java.net.SocketException reset) {
      return true;
    }
  }


  private RawHttp() {}
}
