package io.jobpulse.collector.api;

import com.fasterxml.jackson.core.JsonGenerator;
import io.jobpulse.collector.state.ChildStats;
import io.jobpulse.collector.state.Flag;
import io.jobpulse.collector.state.HistoryEntry;
import io.jobpulse.collector.state.Job;
import io.jobpulse.collector.state.JobStatus;
import io.jobpulse.collector.state.Worker;
import java.io.IOException;

/**
 * The API's JSON shapes of runs and workers (DESIGN.md "The collector"), written straight to a
 * {@link JsonGenerator}: a page of thousands of runs is streamed into the response buffer, never
 * built as a tree first.
 */
final class JsonViews {

  /** Writes a run as one JSON object. */
  static void job(JsonGenerator out, Job job) throws IOException {
    out.writeStartObject();
    jobFields(out, job);
    out.writeEndObject();
  }

  /** A run with its history, its children's counts by status and the ids of those that crashed. */
  static void jobDetail(JsonGenerator out, Job job, ChildStats childStats) throws IOException {
    out.writeStartObject();
    jobFields(out, job);
    out.writeArrayFieldStart("history");
    for (HistoryEntry entry : job.history()) {
      out.writeStartObject();
      time(out, "at", entry.at());
      out.writeStringField("status", entry.status());
      out.writeStringField("detail", entry.detail());
      out.writeEndObject();
    }
    out.writeEndArray();
    out.writeObjectFieldStart("children");
    out.writeNumberField("pending", childStats.pending());
    out.writeNumberField("running", childStats.running());
    out.writeNumberField("completed", childStats.completed());
    out.writeNumberField("failed", childStats.failed());
    out.writeNumberField("crashed", childStats.crashed());
    out.writeNumberField("lost", childStats.lost());
    out.writeNumberField("abandoned", childStats.abandoned());
    out.writeNumberField("total", childStats.total());
    out.writeEndObject();
    out.writeArrayFieldStart("crashedChildren");
    for (String id : childStats.crashedChildren()) {
      out.writeString(id);
    }
    out.writeEndArray();
    out.writeEndObject();
  }

  /**
   * A worker's own fields, the object left open: the caller adds what needs more than the worker
   * (uptime, lease, current runs) and ends it.
   */
  static void startWorker(JsonGenerator out, Worker worker) throws IOException {
    out.writeStartObject();
    out.writeStringField("id", worker.id());
    out.writeStringField("service", worker.service());
    number(out, "pid", worker.pid());
    out.writeStringField("host", worker.host());
    out.writeStringField("agentVersion", worker.agentVersion());
    out.writeStringField("state", worker.state().name());
    time(out, "firstSeenAt", worker.firstSeenAt());
    time(out, "lastSeenAt", worker.lastSeenAt());
    time(out, "lastHeartbeatAt", worker.lastHeartbeatAt());
    out.writeNumberField("intervalMs", worker.intervalMs());
    time(out, "stoppedAt", worker.stoppedAt());
    out.writeNumberField("droppedRuns", worker.droppedRuns());
    out.writeArrayFieldStart("jobs");
    for (String id : worker.jobs()) {
      out.writeString(id);
    }
    out.writeEndArray();
  }

  private static void jobFields(JsonGenerator out, Job job) throws IOException {
    out.writeStringField("id", job.id());
    out.writeStringField("name", job.name());
    out.writeStringField("businessId", job.businessId());
    out.writeStringField("status", job.status().name());
    if (job.flag() == null) {
      out.writeNullField("flag");
    } else {
      flag(out, job.flag());
    }
    out.writeStringField("service", job.service());
    out.writeStringField("worker", job.worker());
    out.writeNumberField("attempt", job.attempt());
    out.writeStringField("previousAttemptId", job.previousAttemptId());
    out.writeStringField("parentId", job.parentId());
    out.writeStringField("traceId", job.traceId());
    time(out, "startedAt", job.startedAt());
    time(out, "endedAt", job.endedAt());
    time(out, "lastSeenAt", job.lastSeenAt());
    number(out, "durationMs", job.durationMs());
    time(out, "enqueuedAt", job.enqueuedAt());
    number(out, "queueWaitMs", job.queueWaitMs());
    out.writeObjectFieldStart("progress");
    out.writeNumberField("done", job.progressDone());
    number(out, "total", job.progressTotal());
    if (job.ratePerSecond() == null) {
      out.writeNullField("ratePerSecond");
    } else {
      out.writeNumberField("ratePerSecond", job.ratePerSecond().doubleValue());
    }
    out.writeEndObject();
    number(out, "etaSeconds", etaSeconds(job));
    if (job.error() == null) {
      out.writeNullField("error");
    } else {
      out.writeObjectFieldStart("error");
      out.writeStringField("type", job.error().type());
      out.writeStringField("message", job.error().message());
      out.writeStringField("category", job.error().category());
      out.writeEndObject();
    }
    out.writeStringField("threadName", job.threadName());
    out.writeStringField("threadState", job.threadState());
    out.writeStringField("stackTop", job.stackTop());
    out.writeBooleanField("flaggedThenRecovered", job.flaggedThenRecovered());
    out.writeStringField("duplicateOf", job.duplicateOf());
    if (job.waitingOn() == null) {
      out.writeNullField("waitingOn");
    } else {
      out.writeObjectFieldStart("waitingOn");
      out.writeStringField("childId", job.waitingOn().childId());
      out.writeStringField("status", job.waitingOn().status().name());
      out.writeEndObject();
    }
  }

  private static void flag(JsonGenerator out, Flag flag) throws IOException {
    out.writeObjectFieldStart("flag");
    out.writeStringField("type", flag.type().name());
    out.writeStringField("reason", flag.reason());
    time(out, "flaggedAt", flag.flaggedAt());
    out.writeNumberField("detectionLatencyMs", flag.detectionLatencyMs());
    out.writeEndObject();
  }

  /** A time in the API's format; {@code null} is written as such. */
  private static void time(JsonGenerator out, String field, Long epochMillis) throws IOException {
    out.writeStringField(field, Times.format(epochMillis));
  }

  private static void time(JsonGenerator out, String field, long epochMillis) throws IOException {
    out.writeStringField(field, Times.format(epochMillis));
  }

  private static void number(JsonGenerator out, String field, Long value) throws IOException {
    if (value == null) {
      out.writeNullField(field);
    } else {
      out.writeNumberField(field, value.longValue());
    }
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
