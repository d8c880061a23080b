package io.jobpulse.benchmarks.soak;

import io.jobpulse.benchmarks.common.Jvm;
import io.jobpulse.contract.ConfigKeys;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A real worker of the soak: a child JVM running {@link ChurnWorker} under the real JobPulse agent,
 * with a {@code service.name} of its own so the API can tell its runs apart. Killed with {@code
 * kill -9}.
 */
final class RealWorker {

  private final String service;
  private final Process process;
  private final long startedNanos = System.nanoTime();

  private RealWorker(String service, Process process) {
    this.service = service;
    this.process = process;
  }

  /**
   * Starts the JVM; its output goes to {@code <service>.log} in {@code workDir}.
   *
   * @param heartbeatInterval the agent's {@code jobpulse.heartbeat.interval}, {@code null} for its default
   */
  static RealWorker start(String service, Path agentJar, Path benchmarksJar, String otlpBaseUrl, String heartbeatInterval,
      Path workDir) throws IOException {
    List<String> args = new java.util.ArrayList<>(List.of(
        // Small and quick to start: ten of these share two cores with the collector and the load.
        "-Xmx64m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1",
        "-javaagent:" + agentJar,
        "-D" + ConfigKeys.COLLECTOR_ENDPOINT + "=" + otlpBaseUrl,
        "-D" + ConfigKeys.JOBS + "=" + ChurnWorker.JOB_METHOD,
        "-Dotel.service.name=" + service));
    if (heartbeatInterval != null) {
      args.add("-D" + ConfigKeys.HEARTBEAT_INTERVAL + "=" + heartbeatInterval);
    }
    args.addAll(List.of("-cp", benchmarksJar.toString(), ChurnWorker.class.getName()));
    Process process = new ProcessBuilder(Jvm.command(args))
        .redirectErrorStream(true)
        .redirectOutput(workDir.resolve(service + ".log").toFile())
        .start();
    return new RealWorker(service, process);
  }

  String service() {
    return service;
  }

  long ageMillis() {
    return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startedNanos);
  }

  boolean isAlive() {
    return process.isAlive();
  }

  /** {@code kill -9} (SIGKILL on Linux); waits (bounded) until the process is gone. */
  void kill() throws InterruptedException {
    process.destroyForcibly();
    process.waitFor(30, TimeUnit.SECONDS);
  }
}
