package io.jobpulse.sample.e2e;

import io.jobpulse.contract.ConfigKeys;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** A run of {@code sample-app.jar} in a child JVM, with or without the real agent jar. */
final class AppProcess {

  private final ChildProcess process;

  private AppProcess(ChildProcess process) {
    this.process = process;
  }

  long pid() {
    return process.pid();
  }

  boolean isAlive() {
    return process.isAlive();
  }

  String stdout() {
    return process.stdout();
  }

  String stderr() {
    return process.stderr();
  }

  /** Waits for the app to end on its own and returns its exit code. */
  int awaitExit(Duration atMost) {
    return process.awaitExit(atMost);
  }

  /** {@code kill -9}: no shutdown hook runs, the worker dies mid-job. */
  void kill9() {
    process.kill();
  }

  /** {@code kill -STOP}: the JVM freezes, sockets stay open, nothing runs. */
  void freeze() {
    process.signal("STOP");
  }

  /** {@code kill -CONT}: the frozen JVM goes on where it stopped. */
  void thaw() {
    process.signal("CONT");
  }

  /** Configures one run; {@link #start()} launches it. */
  static final class Builder {

    private final ChildProcesses owner;
    private Path java = JavaRuntime.CURRENT.javaOrSkip();
    private String collectorEndpoint;
    private boolean lease;
    private final List<String> args = new ArrayList<>();

    Builder(ChildProcesses owner) {
      this.owner = owner;
    }

    /** The {@code java} launcher to run the app with. */
    Builder java(Path java) {
      this.java = java;
      return this;
    }

    /**
     * Runs the app under the agent, reporting to {@code collectorEndpoint}, heartbeats only (the
     * liveness lease off), with the sample app's jobs and items configured.
     */
    Builder withAgent(String collectorEndpoint) {
      this.collectorEndpoint = collectorEndpoint;
      return this;
    }

    Builder withAgent(CollectorProcess collector) {
      return withAgent(collector.otlpEndpoint());
    }

    /** Leaves the liveness lease as users get it by default (to the collector endpoint). */
    Builder withLease() {
      this.lease = true;
      return this;
    }

    /** The scenario and its options, e.g. {@code "enrich", "--firms", "10"}. */
    Builder args(String... args) {
      this.args.addAll(List.of(args));
      return this;
    }

    AppProcess start() {
      List<String> command = new ArrayList<>();
      command.add(java.toString());
      if (collectorEndpoint != null) {
        command.add("-javaagent:" + ChildProcesses.requiredFile("jobpulse.agent.jar"));
        command.add(property(ConfigKeys.COLLECTOR_ENDPOINT, collectorEndpoint));
        command.add(property(ConfigKeys.JOBS, SampleJobs.JOBS_MATCHERS));
        command.add(property(ConfigKeys.ITEMS, SampleJobs.ITEM_MATCHERS));
        command.add(
            property(
                ConfigKeys.HEARTBEAT_INTERVAL, SampleJobs.HEARTBEAT_INTERVAL.toMillis() + "ms"));
        if (!lease) {
          command.add(property(ConfigKeys.LEASE_ENDPOINT, ConfigKeys.LEASE_NONE));
        }
      }
      command.add("-jar");
      command.add(ChildProcesses.requiredFile("sample.app.jar").toString());
      command.addAll(args);
      String label = collectorEndpoint == null ? "app-plain" : "app";
      return new AppProcess(
          owner.start(label, command, Map.of("OTEL_SERVICE_NAME", SampleJobs.SERVICE_NAME)));
    }

    private static String property(String key, String value) {
      return "-D" + key + "=" + value;
    }
  }
}
