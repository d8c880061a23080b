package io.jobpulse.benchmarks.common;

import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;

/** Load goes to this machine only. */
public final class Loopback {

  private Loopback() {}

  /**
   * {@code url} when its host is a loopback address.
   *
   * @throws IllegalArgumentException otherwise: the benchmarks never send load elsewhere
   */
  public static String require(String url) {
    String host = URI.create(url).getHost();
    try {
      if (host != null && InetAddress.getByName(host).isLoopbackAddress()) {
        return url;
      }
    } catch (UnknownHostException e) {
      // falls through to the refusal below
    }
    throw new IllegalArgumentException(url + " is not a loopback address; the benchmarks only load this machine");
  }
}
