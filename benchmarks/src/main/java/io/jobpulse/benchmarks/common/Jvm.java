package io.jobpulse.benchmarks.common;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Child JVMs: the same {@code java} as this one, and ports nobody listens on. */
public final class Jvm {

  private Jvm() {}

  /** The {@code java} launcher of the running JVM (so a benchmark run on Java 25 measures Java 25). */
  public static String javaExecutable() {
    return Path.of(System.getProperty("java.home"), "bin", "java").toString();
  }

  /** A command line starting with this JVM's launcher followed by {@code args}. */
  public static List<String> command(List<String> args) {
    List<String> command = new ArrayList<>(args.size() + 1);
    command.add(javaExecutable());
    command.addAll(args);
    return command;
  }

  /**
   * A loopback port that was free a moment ago and is closed now: an exporter pointed at it gets
   * "connection refused" at once, so both agents do all their work except the network send.
   */
  public static int unusedLoopbackPort() {
    try (ServerSocket socket = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      return socket.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
