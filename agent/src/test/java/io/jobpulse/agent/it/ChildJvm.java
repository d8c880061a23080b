package io.jobpulse.agent.it;

import static org.awaitility.Awaitility.await;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/** The test application ({@code io.jobpulse.testapp.ChildApp}) on a real child JVM. */
final class ChildJvm implements AutoCloseable {

  static final String AGENT_JAR = System.getProperty("jobpulse.agent.jar", "target/jobpulse-agent.jar");
  private static final String TEST_CLASSES = System.getProperty("jobpulse.test.classes", "target/test-classes");
  private static final String TEMURIN_25 = "/usr/lib/jvm/temurin-25-jdk-amd64/bin/java";

  private final Process process;
  private final StringBuffer stdout = new StringBuffer();
  private final StringBuffer stderr = new StringBuffer();
  private final Thread[] pumps;

  private ChildJvm(Process process) {
    this.process = process;
    this.pumps = new Thread[] {pump(process.getInputStream(), stdout), pump(process.getErrorStream(), stderr)};
  }

  /** The JVMs to test on: this one, and Temurin 25 when it is installed. */
  static Stream<String> javas() {
    String current = System.getProperty("java.home") + File.separator + "bin" + File.separator + "java";
    return new File(TEMURIN_25).canExecute() ? Stream.of(current, TEMURIN_25) : Stream.of(current);
  }

  /** Starts {@code ChildApp scenario}; with the agent and these arguments unless {@code agentArguments} is null. */
  static ChildJvm start(String java, String agentArguments, String scenario) throws IOException {
    return start(java, agentArguments, TEST_CLASSES, "io.jobpulse.testapp.ChildApp", scenario);
  }

  /** Starts {@code mainClass} with the test classes and the jars that hold {@code libraries} on its class path. */
  static ChildJvm start(String java, String agentArguments, String mainClass, Class<?>... libraries) throws IOException {
    return start(java, agentArguments, mainClass, List.of(), libraries);
  }

  /** As {@link #start(String, String, String, Class[])}, passing {@code arguments} to {@code main}. */
  static ChildJvm start(String java, String agentArguments, String mainClass, List<String> arguments, Class<?>... libraries) throws IOException {
    StringBuilder classPath = new StringBuilder(TEST_CLASSES);
    for (Class<?> library : libraries) {
      try {
        classPath.append(File.pathSeparator).append(new File(library.getProtectionDomain().getCodeSource().getLocation().toURI()));
      } catch (java.net.URISyntaxException e) {
        throw new IOException(e);
      }
    }
    return start(java, agentArguments, classPath.toString(), mainClass, arguments.toArray(new String[0]));
  }

  private static ChildJvm start(String java, String agentArguments, String classPath, String mainClass, String... arguments) throws IOException {
    List<String> command = new ArrayList<>();
    command.add(java);
    if (agentArguments != null) {
      command.add("-javaagent:" + AGENT_JAR + (agentArguments.isEmpty() ? "" : "=" + agentArguments));
    }
    command.add("-cp");
    command.add(classPath);
    command.add(mainClass);
    command.addAll(List.of(arguments));
    return new ChildJvm(new ProcessBuilder(command).start());
  }

  long pid() {
    return process.pid();
  }

  void send(String line) throws IOException {
    OutputStream in = process.getOutputStream();
    in.write((line + "\n").getBytes(StandardCharsets.UTF_8));
    in.flush();
  }

  void awaitOutput(String text) {
    await().atMost(Duration.ofSeconds(30)).until(() -> stdout.toString().contains(text));
  }

  /** Waits for the exit and the end of its output; returns the exit code. */
  int awaitExit() throws InterruptedException {
    if (!process.waitFor(60, TimeUnit.SECONDS)) {
      throw new AssertionError("the child did not exit; output so far:\n" + stdout + stderr);
    }
    for (Thread pump : pumps) {
      pump.join(10_000);
    }
    return process.exitValue();
  }

  void kill() throws InterruptedException {
    process.destroyForcibly();
    process.waitFor(30, TimeUnit.SECONDS);
  }

  String stdout() {
    return stdout.toString();
  }

  String stderr() {
    return stderr.toString();
  }

  @Override
  public void close() throws InterruptedException {
    if (process.isAlive()) {
      kill();
    }
  }

  private static Thread pump(InputStream from, StringBuffer to) {
    Thread thread = new Thread(() -> {
      byte[] buffer = new byte[4096];
      try {
        int n;
        while ((n = from.read(buffer)) > 0) {
          to.append(new String(buffer, 0, n, StandardCharsets.UTF_8));
        }
      } catch (IOException e) {
        // the child is gone
      }
    });
    thread.setDaemon(true);
    thread.start();
    return thread;
  }
}
