package io.jobpulse.collector.state;

import java.util.Objects;

/**
 * Who sent a span: the resource of one agent-instrumented JVM. {@code instanceId} is
 * {@code service.instance.id}, the worker's identity; the rest may be {@code null}.
 */
public record WorkerIdentity(String instanceId, String service, Long pid, String host, String agentVersion) {
  public WorkerIdentity {
    Objects.requireNonNull(instanceId, "instanceId");
  }
}
