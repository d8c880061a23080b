package io.jobpulse.benchmarks.common;

import io.jobpulse.contract.ConfigKeys;
import java.util.List;

/**
 * How a JVM is started for a comparison: with no agent, JobPulse's or the OpenTelemetry Java
 * agent's, each instrumenting the same job methods. JobPulse exports to {@code deadEndpoint}, a
 * loopback port nobody listens on (it does all its work but the network send, and drops what it
 * cannot send); the OpenTelemetry agent runs with {@code otel.traces.exporter=none}.
 */
public enum AgentVariant {
  NONE("no agent"),
  JOBPULSE("JobPulse agent"),
  OPENTELEMETRY("OpenTelemetry Java agent");

  private final String label;

  AgentVariant(String label) {
    this.label = label;
  }

  public String label() {
    return label;
  }

  /**
   * The JVM arguments that attach this variant's agent and make it instrument {@code jobClass}'s
   * {@code methods}.
   */
  public List<String> jvmArgs(RepoLayout layout, String deadEndpoint, Class<?> jobClass, String... methods) {
    switch (this) {
      case NONE:
        return List.of();
      case JOBPULSE: {
        StringBuilder jobs = new StringBuilder();
        for (String method : methods) {
          jobs.append(jobs.length() == 0 ? "" : ";").append(jobClass.getName()).append('#').append(method);
        }
        return List.of(
            "-javaagent:" + RepoLayout.requireFile(layout.agentJar(), "./mvnw -pl agent install"),
            "-D" + ConfigKeys.COLLECTOR_ENDPOINT + "=" + deadEndpoint,
            "-D" + ConfigKeys.JOBS + "=" + jobs,
            "-Dotel.service.name=jobpulse-benchmark");
      }
      case OPENTELEMETRY:
        return List.of(
            "-javaagent:" + RepoLayout.requireFile(layout.openTelemetryAgentJar(), "./mvnw -pl benchmarks package"),
            "-Dotel.instrumentation.methods.include=" + jobClass.getName() + "[" + String.join(",", methods) + "]",
            // No exporter: the agent still creates, records and ends a span per call (its hot
            // path), but does no export work, which can only favour it in a comparison.
            "-Dotel.traces.exporter=none",
            "-Dotel.metrics.exporter=none",
            "-Dotel.logs.exporter=none",
            "-Dotel.service.name=jobpulse-benchmark");
      default:
        throw new AssertionError(this);
    }
  }
}
