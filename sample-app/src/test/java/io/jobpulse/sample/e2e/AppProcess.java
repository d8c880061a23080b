package io.jobpulse.sample.e2e;

import io.jobpulse.contract.ConfigKeys;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

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

  /** The JVMs the app started (its child batches), and theirs. */
  Stream<ProcessHandle> descendants() {
    return process.descendants();
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
    private String jobs = SampleJobs.JOBS_MATCHERS;
    private String items = SampleJobs.ITEM_MATCHERS;
    private boolean agentInEnvironment;
    private boolean agentDisabled;
    private Path otelAgent;
    private final List<String> extraJvmOptions = new ArrayList<>();
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

    /** {@code jobpulse.jobs} instead of the sample app's; {@code null} leaves it unset (the presets). */
    Builder jobs(String matchers) {
      this.jobs = matchers;
      return this;
    }

    /** {@code jobpulse.items} instead of the sample app's; {@code null} leaves it unset. */
    Builder items(String matchers) {
      this.items = matchers;
      return this;
    }

    /**
     * Hands the agent and its settings over in {@code JAVA_TOOL_OPTIONS}, as a container image
     * does: every JVM the app starts inherits them.
     */
    Builder agentInEnvironment() {
      this.agentInEnvironment = true;
      return this;
    }

    /** {@code -Djobpulse.enabled=false}: the agent attached, told to do nothing. */
    Builder agentDisabled() {
      this.agentDisabled = true;
      return this;
    }

    /** The OpenTelemetry Java agent too, first on the command line, exporting nothing. */
    Builder withOpenTelemetryAgent() {
      this.otelAgent = ChildProcesses.requiredFile("otel.javaagent.jar");
      return this;
    }

    /** A JVM option of the app's own (in {@code JAVA_TOOL_OPTIONS} with the agent's, when there). */
    Builder jvmOption(String option) {
      this.extraJvmOptions.add(option);
      return this;
    }

    /** The scenario and its options, e.g. {@code "enrich", "--firms", "10"}. */
    Builder args(String... args) {
      this.args.addAll(List.of(args));
      return this;
    }

    AppProcess start() {
      List<String> jvmOptions = new ArrayList<>();
      if (otelAgent != null) {
        jvmOptions.add("-javaagent:" + otelAgent);
        jvmOptions.add("-Dotel.traces.exporter=none");
        jvmOptions.add("-Dotel.metrics.exporter=none");
        jvmOptions.add("-Dotel.logs.exporter=none");
      }
      if (collectorEndpoint != null) {
        jvmOptions.add("-javaagent:" + ChildProcesses.requiredFile("jobpulse.agent.jar"));
        jvmOptions.add(property(ConfigKeys.COLLECTOR_ENDPOINT, collectorEndpoint));
        if (jobs != null) {
          jvmOptions.add(property(ConfigKeys.JOBS, jobs));
        }
        if (items != null) {
          jvmOptions.add(property(ConfigKeys.ITEMS, items));
        }
        jvmOptions.add(
            property(ConfigKeys.HEARTBEAT_INTERVAL, SampleJobs.HEARTBEAT_INTERVAL.toMillis() + "ms"));
        if (!lease) {
          jvmOptions.add(property(ConfigKeys.LEASE_ENDPOINT, ConfigKeys.LEASE_NONE));
        }
        if (agentDisabled) {
          jvmOptions.add(property(ConfigKeys.ENABLED, "false"));
        }
      }
      jvmOptions.addAll(extraJvmOptions);
      Map<String, String> env = new HashMap<>();
      env.put("OTEL_SERVICE_NAME", SampleJobs.SERVICE_NAME);
      List<String> command = new ArrayList<>();
      command.add(java.toString());
      if (agentInEnvironment) {
        // Split on white space by the JVM: no option here contains any.
        env.put("JAVA_TOOL_OPTIONS", String.join(" ", jvmOptions));
      } else {
        command.addAll(jvmOptions);
      }
      command.add("-jar");
      command.add(ChildProcesses.requiredFile("sample.app.jar").toString());
      command.addAll(args);
      String label = collectorEndpoint == null ? "app-plain" : "app";
      return new AppProcess(owner.start(label, command, env));
    }

    private static String property(String key, String value) {
      return "-D" + key + "=" + value;
    }
  }
}
