package io.jobpulse.benchmarks.detection;

import io.jobpulse.benchmarks.common.WorkDirectory;
import com.fasterxml.jackson.databind.JsonNode;
import io.jobpulse.benchmarks.common.CollectorProcess;
import io.jobpulse.benchmarks.common.JobsApi;
import io.jobpulse.benchmarks.common.Jvm;
import io.jobpulse.benchmarks.common.Percentiles;
import io.jobpulse.benchmarks.common.RepoLayout;
import io.jobpulse.contract.ConfigKeys;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * Benchmark 4: how fast the collector flags a dead worker. Per trial: a child JVM runs
 * {@link HangingWorker} under the agent; once its job shows RUNNING in the API the process is
 * killed ({@code kill -9}: the lease closes) or frozen ({@code kill -STOP}: heartbeats stop), and
 * {@code GET /api/jobs?status=CRASHED} is polled until the job is there. Reports the collector's
 * own {@code flag.detectionLatencyMs} (from the evidence) and the latency seen from outside (from
 * the signal to the flagged job in the API), median and worst.
 */
@Command(name = "detection", mixinStandardHelpOptions = true, description = "Detection latency of kill -9 and kill -STOP.")
public final class DetectionLatency implements Callable<Integer> {

  /** How the worker dies. */
  enum Mode {
    KILL("kill -9 (lease)"),
    STOP("kill -STOP (heartbeats)");

    final String label;

    Mode(String label) {
      this.label = label;
    }
  }

  @Option(names = "--trials", description = "trials per mode (default: ${DEFAULT-VALUE})")
  int trials = 20;

  @Option(names = "--modes", split = ",", description = "${COMPLETION-CANDIDATES} (default: both)")
  List<Mode> modes = List.of(Mode.values());

  @Option(names = "--heartbeat-interval", description = "the worker's jobpulse.heartbeat.interval (default: ${DEFAULT-VALUE})")
  String heartbeatInterval = "1s";

  @Option(names = "--poll-ms", description = "API polling period (default: ${DEFAULT-VALUE})")
  long pollMillis = 20;

  @Option(names = "--timeout-seconds", description = "bound on each wait (default: ${DEFAULT-VALUE})")
  long timeoutSeconds = 60;

  @Option(names = "--collector-jvm-args", split = " ", description = "JVM options of the collector")
  List<String> collectorJvmArgs = new ArrayList<>();

  public static void main(String[] args) {
    System.exit(new CommandLine(new DetectionLatency()).setCaseInsensitiveEnumValuesAllowed(true).execute(args));
  }

  @Override
  public Integer call() throws Exception {
    RepoLayout layout = RepoLayout.current().frozen();
    Path agent = RepoLayout.requireFile(layout.agentJar(), "./mvnw -pl agent install");
    Path workDir = WorkDirectory.create("jobpulse-detection");
    try (CollectorProcess collector = CollectorProcess.start(
        RepoLayout.requireFile(layout.collectorJar(), "./mvnw -pl collector install"), workDir, collectorJvmArgs)) {
      System.out.println("collector pid " + collector.pid() + ", log " + collector.log());
      JobsApi api = new JobsApi(collector.apiBaseUrl());
      StringBuilder report = new StringBuilder("\n=== Detection latency (ms)\n");
      for (Mode mode : modes) {
        long[] reported = new long[trials];
        long[] observed = new long[trials];
        for (int t = 0; t < trials; t++) {
          long[] r = trial(mode, t, agent, layout, collector, api, workDir);
          reported[t] = r[0];
          observed[t] = r[1];
          System.out.printf("%s trial %d: detectionLatencyMs=%d, signal->API %d ms%n", mode.label, t + 1, r[0], r[1]);
        }
        report.append(String.format("%-26s flag.detectionLatencyMs: %s%n", mode.label, new Percentiles(reported)));
        report.append(String.format("%-26s signal -> flagged in API: %s%n", "", new Percentiles(observed)));
      }
      System.out.println(report);
    }
    return 0;
  }

  /** @return {the collector's detectionLatencyMs, ms from the signal until the API showed the flag} */
  private long[] trial(Mode mode, int trial, Path agent, RepoLayout layout, CollectorProcess collector, JobsApi api,
      Path workDir) throws IOException, InterruptedException {
    String service = "detect-" + mode.name().toLowerCase() + "-" + trial;
    List<String> args = List.of(
        "-javaagent:" + agent,
        "-D" + ConfigKeys.COLLECTOR_ENDPOINT + "=" + collector.otlpBaseUrl(),
        "-D" + ConfigKeys.JOBS + "=" + HangingWorker.class.getName() + "#work",
        "-D" + ConfigKeys.HEARTBEAT_INTERVAL + "=" + heartbeatInterval,
        "-Dotel.service.name=" + service,
        "-cp", layout.benchmarksJar().toString(),
        HangingWorker.class.getName());
    Path log = workDir.resolve(service + ".log");
    Process worker = new ProcessBuilder(Jvm.command(args)).redirectErrorStream(true).redirectOutput(log.toFile()).start();
    try {
      JsonNode running = awaitJob(api, "RUNNING", service);
      if (running == null) {
        throw new IllegalStateException(service + ": the job never showed RUNNING; worker log " + log);
      }
      long signalled = System.nanoTime();
      if (mode == Mode.KILL) {
        worker.destroyForcibly(); // SIGKILL on Linux
      } else {
        signal("-STOP", worker.pid());
      }
      JsonNode crashed = awaitJob(api, "CRASHED", service);
      long observed = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - signalled);
      if (crashed == null) {
        throw new IllegalStateException(service + ": not flagged CRASHED within " + timeoutSeconds + " s");
      }
      return new long[] {crashed.path("flag").path("detectionLatencyMs").asLong(-1), observed};
    } finally {
      worker.destroyForcibly();
      worker.waitFor(30, TimeUnit.SECONDS);
    }
  }

  /** Polls the API (bounded) until a job of {@code service} has {@code status}; {@code null} on time-out. */
  private JsonNode awaitJob(JobsApi api, String status, String service) throws IOException, InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(timeoutSeconds);
    while (System.nanoTime() < deadline) {
      JsonNode jobs = api.jobs(status, service, 10);
      if (jobs.size() > 0) {
        return jobs.get(0);
      }
      TimeUnit.MILLISECONDS.sleep(pollMillis); // the polling period of a client, not a synchronisation guess
    }
    return null;
  }

  private static void signal(String signal, long pid) throws IOException, InterruptedException {
    Process kill = new ProcessBuilder("kill", signal, Long.toString(pid)).inheritIO().start();
    if (!kill.waitFor(10, TimeUnit.SECONDS) || kill.exitValue() != 0) {
      throw new IllegalStateException("kill " + signal + " " + pid + " failed");
    }
  }
}
