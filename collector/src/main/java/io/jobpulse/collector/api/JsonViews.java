package io.jobpulse.collector.api;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.jobpulse.collector.state.ChildStats;
import io.jobpulse.collector.state.Flag;
import io.jobpulse.collector.state.HistoryEntry;
import io.jobpulse.collector.state.Job;
import io.jobpulse.collector.state.JobStatus;
import io.jobpulse.collector.state.Worker;

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
    node.put("previousAttemptId", job.previousAttemptId());
    node.put("parentId", job.parentId());
    node.put("traceId", job.traceId());
    node.put("startedAt", Times.format(job.startedAt()));
    node.put("endedAt", Times.format(job.endedAt()));
    node.put("lastSeenAt", Times.format(job.lastSeenAt()));
    node.put("durationMs", job.durationMs());
    node.put("enqueuedAt", Times.format(job.enqueuedAt()));
    node.put("queueWaitMs", job.queueWaitMs());
    ObjectNode progress = node.putObject("progress");
    progress.put("done", job.progressDone());
    progress.put("total", job.progressTotal());
    progress.put("ratePerSecond", job.ratePerSecond());
    node.put("etaSeconds", etaSeconds(job));
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
    node.put("stackTop", job.stackTop());
    node.put("flaggedThenRecovered", job.flaggedThenRecovered());
    node.put("duplicateOf", job.duplicateOf());
    if (job.waitingOn() == null) {
      node.putNull("waitingOn");
    } else {
      node.putObject("waitingOn").put("childId", job.waitingOn().childId()).put("status", job.waitingOn().status().name());
    }
    return node;
  }

  /** A run with its history, its children's counts by status and the ids of those that crashed. */
  static ObjectNode jobDetail(Job job, ChildStats childStats, long now) {
    ObjectNode node = job(job, now);
    ArrayNode history = node.putArray("history");
    for (HistoryEntry entry : job.history()) {
      history.addObject().put("at", Times.format(entry.at())).put("status", entry.status()).put("detail", entry.detail());
    }
    node.putObject("children")
        .put("pending", childStats.pending())
        .put("running", childStats.running())
        .put("completed", childStats.completed())
        .put("failed", childStats.failed())
        .put("crashed", childStats.crashed())
        .put("lost", childStats.lost())
        .put("abandoned", childStats.abandoned())
        .put("total", childStats.total());
    ArrayNode crashed = node.putArray("crashedChildren");
    childStats.crashedChildren().forEach(crashed::add);
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
    node.put("droppedRuns", worker.droppedRuns());
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

  /** Remaining items at the recent rate (about the last minute); {@code null} when it cannot be told. */
  private static Long etaSeconds(Job job) {
    Double rate = job.ratePerSecond();
    if (job.status() != JobStatus.RUNNING || job.progressTotal() == null || rate == null || rate <= 0
        || job.progressDone() > job.progressTotal()) {
      return null;
    }
    return (long) Math.ceil((job.progressTotal() - job.progressDone()) / rate);
  }

  private JsonViews() {}
}
