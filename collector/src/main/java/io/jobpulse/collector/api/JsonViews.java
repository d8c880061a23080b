package io.jobpulse.collector.api;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.SerializableString;
import com.fasterxml.jackson.core.io.SerializedString;
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

  // Field names, quoted and encoded once: a page of 5,000 runs writes 150,000 of them, and
  // encoding each from a String was ~15% of such a page's CPU (JFR, 1,000,000 stored runs).
  private static final SerializableString ABANDONED = new SerializedString("abandoned");
  private static final SerializableString AGENT_VERSION = new SerializedString("agentVersion");
  private static final SerializableString AT = new SerializedString("at");
  private static final SerializableString ATTEMPT = new SerializedString("attempt");
  private static final SerializableString BUSINESS_ID = new SerializedString("businessId");
  private static final SerializableString CATEGORY = new SerializedString("category");
  private static final SerializableString CHILDREN = new SerializedString("children");
  private static final SerializableString CHILD_ID = new SerializedString("childId");
  private static final SerializableString COMPLETED = new SerializedString("completed");
  private static final SerializableString CRASHED = new SerializedString("crashed");
  private static final SerializableString CRASHED_CHILDREN = new SerializedString("crashedChildren");
  private static final SerializableString DETAIL = new SerializedString("detail");
  private static final SerializableString DETECTION_LATENCY_MS = new SerializedString("detectionLatencyMs");
  private static final SerializableString DONE = new SerializedString("done");
  private static final SerializableString DROPPED_RUNS = new SerializedString("droppedRuns");
  private static final SerializableString DUPLICATE_OF = new SerializedString("duplicateOf");
  private static final SerializableString DURATION_MS = new SerializedString("durationMs");
  private static final SerializableString ENDED_AT = new SerializedString("endedAt");
  private static final SerializableString ENQUEUED_AT = new SerializedString("enqueuedAt");
  private static final SerializableString ERROR = new SerializedString("error");
  private static final SerializableString ETA_SECONDS = new SerializedString("etaSeconds");
  private static final SerializableString FAILED = new SerializedString("failed");
  private static final SerializableString FIRST_SEEN_AT = new SerializedString("firstSeenAt");
  private static final SerializableString FLAG = new SerializedString("flag");
  private static final SerializableString FLAGGED_AT = new SerializedString("flaggedAt");
  private static final SerializableString FLAGGED_THEN_RECOVERED = new SerializedString("flaggedThenRecovered");
  private static final SerializableString HISTORY = new SerializedString("history");
  private static final SerializableString HOST = new SerializedString("host");
  private static final SerializableString ID = new SerializedString("id");
  private static final SerializableString INTERVAL_MS = new SerializedString("intervalMs");
  private static final SerializableString JOBS = new SerializedString("jobs");
  private static final SerializableString LAST_HEARTBEAT_AT = new SerializedString("lastHeartbeatAt");
  private static final SerializableString LAST_SEEN_AT = new SerializedString("lastSeenAt");
  private static final SerializableString LOST = new SerializedString("lost");
  private static final SerializableString MESSAGE = new SerializedString("message");
  private static final SerializableString NAME = new SerializedString("name");
  private static final SerializableString PARENT_ID = new SerializedString("parentId");
  private static final SerializableString PENDING = new SerializedString("pending");
  private static final SerializableString PID = new SerializedString("pid");
  private static final SerializableString PREVIOUS_ATTEMPT_ID = new SerializedString("previousAttemptId");
  private static final SerializableString PROGRESS = new SerializedString("progress");
  private static final SerializableString QUEUE_WAIT_MS = new SerializedString("queueWaitMs");
  private static final SerializableString RATE_PER_SECOND = new SerializedString("ratePerSecond");
  private static final SerializableString REASON = new SerializedString("reason");
  private static final SerializableString RUNNING = new SerializedString("running");
  private static final SerializableString SERVICE = new SerializedString("service");
  private static final SerializableString STACK_TOP = new SerializedString("stackTop");
  private static final SerializableString STARTED_AT = new SerializedString("startedAt");
  private static final SerializableString STATE = new SerializedString("state");
  private static final SerializableString STATUS = new SerializedString("status");
  private static final SerializableString STOPPED_AT = new SerializedString("stoppedAt");
  private static final SerializableString THREAD_NAME = new SerializedString("threadName");
  private static final SerializableString THREAD_STATE = new SerializedString("threadState");
  private static final SerializableString TOTAL = new SerializedString("total");
  private static final SerializableString TRACE_ID = new SerializedString("traceId");
  private static final SerializableString TYPE = new SerializedString("type");
  private static final SerializableString WAITING_ON = new SerializedString("waitingOn");
  private static final SerializableString WORKER = new SerializedString("worker");

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
    out.writeFieldName(HISTORY);
    out.writeStartArray();
    for (HistoryEntry entry : job.history()) {
      out.writeStartObject();
      time(out, AT, entry.at());
      string(out, STATUS, entry.status());
      string(out, DETAIL, entry.detail());
      out.writeEndObject();
    }
    out.writeEndArray();
    out.writeFieldName(CHILDREN);
    out.writeStartObject();
    number(out, PENDING, childStats.pending());
    number(out, RUNNING, childStats.running());
    number(out, COMPLETED, childStats.completed());
    number(out, FAILED, childStats.failed());
    number(out, CRASHED, childStats.crashed());
    number(out, LOST, childStats.lost());
    number(out, ABANDONED, childStats.abandoned());
    number(out, TOTAL, childStats.total());
    out.writeEndObject();
    out.writeFieldName(CRASHED_CHILDREN);
    out.writeStartArray();
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
    string(out, ID, worker.id());
    string(out, SERVICE, worker.service());
    number(out, PID, worker.pid());
    string(out, HOST, worker.host());
    string(out, AGENT_VERSION, worker.agentVersion());
    string(out, STATE, worker.state().name());
    time(out, FIRST_SEEN_AT, worker.firstSeenAt());
    time(out, LAST_SEEN_AT, worker.lastSeenAt());
    time(out, LAST_HEARTBEAT_AT, worker.lastHeartbeatAt());
    number(out, INTERVAL_MS, worker.intervalMs());
    time(out, STOPPED_AT, worker.stoppedAt());
    number(out, DROPPED_RUNS, worker.droppedRuns());
    out.writeFieldName(JOBS);
    out.writeStartArray();
    for (String id : worker.jobs()) {
      out.writeString(id);
    }
    out.writeEndArray();
  }

  private static void jobFields(JsonGenerator out, Job job) throws IOException {
    string(out, ID, job.id());
    string(out, NAME, job.name());
    string(out, BUSINESS_ID, job.businessId());
    string(out, STATUS, job.status().name());
    out.writeFieldName(FLAG);
    if (job.flag() == null) {
      out.writeNull();
    } else {
      flag(out, job.flag());
    }
    string(out, SERVICE, job.service());
    string(out, WORKER, job.worker());
    number(out, ATTEMPT, job.attempt());
    string(out, PREVIOUS_ATTEMPT_ID, job.previousAttemptId());
    string(out, PARENT_ID, job.parentId());
    string(out, TRACE_ID, job.traceId());
    time(out, STARTED_AT, job.startedAt());
    time(out, ENDED_AT, job.endedAt());
    time(out, LAST_SEEN_AT, job.lastSeenAt());
    number(out, DURATION_MS, job.durationMs());
    time(out, ENQUEUED_AT, job.enqueuedAt());
    number(out, QUEUE_WAIT_MS, job.queueWaitMs());
    out.writeFieldName(PROGRESS);
    out.writeStartObject();
    number(out, DONE, job.progressDone());
    number(out, TOTAL, job.progressTotal());
    number(out, RATE_PER_SECOND, job.ratePerSecond());
    out.writeEndObject();
    number(out, ETA_SECONDS, etaSeconds(job));
    out.writeFieldName(ERROR);
    if (job.error() == null) {
      out.writeNull();
    } else {
      out.writeStartObject();
      string(out, TYPE, job.error().type());
      string(out, MESSAGE, job.error().message());
      string(out, CATEGORY, job.error().category());
      out.writeEndObject();
    }
    string(out, THREAD_NAME, job.threadName());
    string(out, THREAD_STATE, job.threadState());
    string(out, STACK_TOP, job.stackTop());
    bool(out, FLAGGED_THEN_RECOVERED, job.flaggedThenRecovered());
    string(out, DUPLICATE_OF, job.duplicateOf());
    out.writeFieldName(WAITING_ON);
    if (job.waitingOn() == null) {
      out.writeNull();
    } else {
      out.writeStartObject();
      string(out, CHILD_ID, job.waitingOn().childId());
      string(out, STATUS, job.waitingOn().status().name());
      out.writeEndObject();
    }
  }

  private static void flag(JsonGenerator out, Flag flag) throws IOException {
    out.writeStartObject();
    string(out, TYPE, flag.type().name());
    string(out, REASON, flag.reason());
    time(out, FLAGGED_AT, flag.flaggedAt());
    number(out, DETECTION_LATENCY_MS, flag.detectionLatencyMs());
    out.writeEndObject();
  }

  private static void string(JsonGenerator out, SerializableString field, String value) throws IOException {
    out.writeFieldName(field);
    out.writeString(value); // null is written as such
  }

  /** A time in the API's format; {@code null} is written as such. */
  private static void time(JsonGenerator out, SerializableString field, Long epochMillis) throws IOException {
    string(out, field, Times.format(epochMillis));
  }

  private static void time(JsonGenerator out, SerializableString field, long epochMillis) throws IOException {
    string(out, field, Times.format(epochMillis));
  }

  private static void number(JsonGenerator out, SerializableString field, Long value) throws IOException {
    out.writeFieldName(field);
    if (value == null) {
      out.writeNull();
    } else {
      out.writeNumber(value.longValue());
    }
  }

  private static void number(JsonGenerator out, SerializableString field, long value) throws IOException {
    out.writeFieldName(field);
    out.writeNumber(value);
  }

  private static void number(JsonGenerator out, SerializableString field, Double value) throws IOException {
    out.writeFieldName(field);
    if (value == null) {
      out.writeNull();
    } else {
      out.writeNumber(value.doubleValue());
    }
  }

  private static void bool(JsonGenerator out, SerializableString field, boolean value) throws IOException {
    out.writeFieldName(field);
    out.writeBoolean(value);
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
