package io.jobpulse.collector.api;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.jobpulse.collector.state.Flag;
import io.jobpulse.collector.state.HistoryEntry;
import io.jobpulse.collector.state.Job;
import io.jobpulse.collector.state.JobStatus;
import io.jobpulse.collector.state.Worker;
import java.util.Map;

/** The API's JSON shapes of runs and workers (DESIGN.md "The collector"). */
final class JsonViews {

  private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

  static ObjectNode job(Job job, long now) {
    ObjectNode node = NODES.objectNode();
    node.put("id", job.id());
    node.put("name", job.name());
    node.put("businessId", job.businessId());
    node.put("status", job.status().name());
    node.set("flag", job.flag() == null ? NODES.nullNode() : flag(job.flag()));
    node.put("service", job.service());
    node.put("worker", job.worker());
    node.put("attempt", job.attempt());
    node.put("parentId", job.parentId());
    node.put("traceId", job.traceId());
    node.put("startedAt", Times.format(job.startedAt()));
    node.put("endedAt", Times.format(job.endedAt()));
    node.put("lastSeenAt", Times.format(job.lastSeenAt()));
    node.put("durationMs", job.durationMs());
    ObjectNode progress = node.putObject("progress");
    progress.put("done", job.progressDone());
    progress.put("total", job.progressTotal());
    node.put("etaSeconds", etaSeconds(job, now));
    if (job.error() == null) {
      node.putNull("error");
    } else {
      ObjectNode error = node.putObject("error");
      error.put("type", job.error().type());
      error.put("message", job.error().message());
      error.put("category", job.error().category());
    }
    node.put("threadName", job.threadName());
    node.put("threadState", job.threadState());
    node.put("flaggedThenRecovered", job.flaggedThenRecovered());
    return node;
  }

  /** A run with its history and its children's counts by status. */
  static ObjectNode jobDetail(Job job, Map<String, Long> childrenByStatus, long now) {
    ObjectNode node = job(job, now);
    ArrayNode history = node.putArray("history");
    for (HistoryEntry entry : job.history()) {
      history.addObject().put("at", Times.format(entry.at())).put("status", entry.status()).put("detail", entry.detail());
    }
    ObjectNode children = node.putObject("children");
    childrenByStatus.forEach(children::put);
    return node;
  }

  static ObjectNode worker(Worker worker) {
    ObjectNode node = NODES.objectNode();
    node.put("id", worker.id());
    node.put("service", worker.service());
    node.put("pid", worker.pid());
    node.put("host", worker.host());
    node.put("agentVersion", worker.agentVersion());
    node.put("state", worker.state().name());
    node.put("firstSeenAt", Times.format(worker.firstSeenAt()));
    node.put("lastSeenAt", Times.format(worker.lastSeenAt()));
    node.put("lastHeartbeatAt", Times.format(worker.lastHeartbeatAt()));
    node.put("intervalMs", worker.intervalMs());
    node.put("stoppedAt", Times.format(worker.stoppedAt()));
    ArrayNode jobs = node.putArray("jobs");
    worker.jobs().forEach(jobs::add);
    return node;
  }

  private static ObjectNode flag(Flag flag) {
    ObjectNode node = NODES.objectNode();
    node.put("type", flag.type().name());
    node.put("reason", flag.reason());
    node.put("flaggedAt", Times.format(flag.flaggedAt()));
    node.put("detectionLatencyMs", flag.detectionLatencyMs());
    return node;
  }

  /** Remaining time at the run's average pace so far; {@code null} when it cannot be told. */
  private static Long etaSeconds(Job job, long now) {
    if (job.status() != JobStatus.RUNNING || job.progressTotal() == null || job.progressDone() <= 0
        || job.startedAt() == null || job.progressDone() > job.progressTotal()) {
      return null;
    }
    double msPerItem = (double) Math.max(0, now - job.startedAt()) / job.progressDone();
    return (long) Math.ceil(msPerItem * (job.progressTotal() - job.progressDone()) / 1000.0);
  }

  private JsonViews() {}
}
