package io.jobpulse.sample.e2e;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A child process whose stdout and stderr go to files: nothing blocks on a full pipe, the output
 * stays complete after the process is gone, and it is kept for a post-mortem.
 */
final class ChildProcess {

  private final String label;
  private final Process process;
  private final Path stdout;
  private final Path stderr;

  private ChildProcess(String label, Process process, Path stdout, Path stderr) {
    this.label = label;
    this.process = process;
    this.stdout = stdout;
    this.stderr = stderr;
  }

  /** Starts {@code command} with the test's environment minus any JobPulse/OTel settings, plus {@code env}. */
  static ChildProcess start(String label, List<String> command, Map<String, String> env, Path logDir) {
    Path out = logDir.resolve(label + ".stdout.log");
    Path err = logDir.resolve(label + ".stderr.log");
    ProcessBuilder builder =
        new ProcessBuilder(command).redirectOutput(out.toFile()).redirectError(err.toFile());
    // Hermetic: a JOBPULSE_* or OTEL_* variable of the machine must not change what is tested.
    builder.environment().keySet().removeIf(k -> k.startsWith("JOBPULSE_") || k.startsWith("OTEL_"));
    builder.environment().putAll(env);
    try {
      Files.writeString(logDir.resolve(label + ".command.txt"), String.join(" ", command) + "\n");
      return new ChildProcess(label, builder.start(), out, err);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot start " + label + ": " + command, e);
    }
  }

  String label() {
    return label;
  }

  long pid() {
    return process.pid();
  }

  boolean isAlive() {
    return process.isAlive();
  }

  /** The processes this one started, and theirs. */
  Stream<ProcessHandle> descendants() {
    return process.descendants();
  }

  /** The exit code, or empty while the process runs. */
  OptionalInt exitCode() {
    return process.isAlive() ? OptionalInt.empty() : OptionalInt.of(process.exitValue());
  }

  String stdout() {
    return read(stdout);
  }

  String stderr() {
    return read(stderr);
  }

  /** Waits, at most {@code atMost}, for the process to end on its own; returns its exit code. */
  int awaitExit(Duration atMost) {
    try {
      if (!process.waitFor(atMost.toMillis(), TimeUnit.MILLISECONDS)) {
        throw new AssertionError(label + " still runs after " + atMost + "\n" + tails());
      }
      return process.exitValue();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError("interrupted while waiting for " + label, e);
    }
  }

  /** SIGTERM: the process may run its shutdown hooks. */
  void terminate() {
    process.destroy();
  }

  /** SIGKILL: no shutdown hook, no goodbye; the OS closes the sockets. */
  void kill() {
    process.destroyForcibly();
  }

  /** Sends a signal by name ({@code STOP}, {@code CONT}) with the system's {@code kill}. */
  void signal(String name) {
    try {
      Process kill = new ProcessBuilder("kill", "-" + name, Long.toString(process.pid())).inheritIO().start();
      if (!kill.waitFor(10, TimeUnit.SECONDS) || kill.exitValue() != 0) {
        throw new AssertionError("kill -" + name + " " + process.pid() + " failed");
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError("interrupted while signalling " + label, e);
    }
  }

  /** Kills the process if it still runs and waits for it to be gone, so no test leaves one behind. */
  void killAndReap() {
    if (process.isAlive()) {
      kill();
    }
    try {
      process.waitFor(30, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** The last lines of both outputs, for failure messages. */
  String tails() {
    return "---- " + label + " stdout (" + stdout + ")\n" + tail(stdout()) + "---- " + label
        + " stderr (" + stderr + ")\n" + tail(stderr());
  }

  private static String tail(String text) {
    String[] lines = text.split("\n", -1);
    int from = Math.max(0, lines.length - 40);
    return String.join("\n", List.of(lines).subList(from, lines.length)) + "\n";
  }

  private static String read(Path file) {
    try {
      return Files.readString(file, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
