package io.jobpulse.collector.alert;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.jobpulse.collector.api.Times;
import io.jobpulse.collector.state.Job;
import io.jobpulse.collector.state.JobError;
import io.jobpulse.contract.Durations;

/** Renders an {@link Alert} as a target's request body. */
final class AlertMessages {

  /** A Slack message lists at most this many runs; the JSON body lists them all. */
  static final int SLACK_MAX_JOBS = 20;

  private static final ObjectMapper JSON = new ObjectMapper();

  static String render(Alert alert, AlertConfig.Format format) {
    ObjectNode body = format == AlertConfig.Format.SLACK ? slack(alert) : json(alert);
    try {
      return JSON.writeValueAsString(body);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }

  static ObjectNode json(Alert alert) {
    ObjectNode body = JSON.createObjectNode();
    body.put("idempotencyKey", alert.idempotencyKey());
    body.put("kind", alert.kind());
    body.put("flag", alert.flagType());
    body.put("reason", alert.reason());
    body.put("worker", alert.worker());
    body.put("at", Times.format(alert.at()));
    body.put("summary", summary(alert));
    FailureStorms.Storm storm = alert.storm();
    if (storm != null) {
      body.putObject("failures")
          .put("failed", storm.failed())
          .put("runs", storm.ended())
          .put("window", Durations.format(storm.window()))
          .put("windowStart", Times.format(storm.windowStart()));
    }
    ArrayNode jobs = body.putArray("jobs");
    for (Job job : alert.jobs()) {
      jobs.addObject()
          .put("id", job.id())
          .put("name", job.name())
          .put("businessId", job.businessId())
          .put("status", job.status().name())
          .put("service", job.service())
          .put("worker", job.worker())
          .put("startedAt", Times.format(job.startedAt()))
          .put("endedAt", Times.format(job.endedAt()))
          .put("progressDone", job.progressDone())
          .put("progressTotal", job.progressTotal());
    }
    return body;
  }

  static ObjectNode slack(Alert alert) {
    ObjectNode body = JSON.createObjectNode();
    String summary = summary(alert);
    body.put("text", summary);
    ArrayNode blocks = body.putArray("blocks");
    section(blocks, "*" + escape(summary) + "*" + (alert.reason() == null ? "" : "\n" + escape(alert.reason())));
    StringBuilder list = new StringBuilder();
    int shown = 0;
    for (Job job : alert.jobs()) {
      if (shown++ == SLACK_MAX_JOBS) {
        list.append("… and ").append(alert.jobs().size() - SLACK_MAX_JOBS).append(" more");
        break;
      }
      list.append("• `").append(escape(job.name())).append("` ").append(job.id())
          .append(job.businessId() == null ? "" : " (" + escape(job.businessId()) + ")")
          .append(" — ").append(job.status().name()).append('\n');
    }
    section(blocks, list.toString().strip());
    return body;
  }

  private static String summary(Alert alert) {
    int n = alert.jobs().size();
    Job first = alert.jobs().get(0);
    String service = first.service() == null ? "" : " [" + first.service() + "]";
    return switch (alert.kind()) {
      case Alert.WORKER_JOBS_FLAGGED -> "Worker " + alert.worker() + service + ": " + n + " job" + (n == 1 ? "" : "s")
          + " " + alert.flagType();
      case Alert.JOB_COMPLETED -> "Job " + first.name() + service + " completed";
      case Alert.JOB_FAILING -> "Job " + first.name() + service + " failing: " + alert.storm().failed() + " of "
          + alert.storm().ended() + " runs in " + Durations.format(alert.storm().window());
      default -> "Job " + first.name() + service + " " + alert.flagType();
    };
  }

  /** "12 of 15 runs failed in the last 15m; latest: java.sql.SQLException: deadlock". */
  static String failingReason(FailureStorms.Storm storm, Job latest) {
    String reason = storm.failed() + " of " + storm.ended() + " runs failed in the last "
        + Durations.format(storm.window());
    JobError error = latest.error();
    if (error == null || (error.type() == null && error.message() == null)) {
      return reason;
    }
    return reason + "; latest: " + (error.type() == null ? error.message()
        : error.message() == null ? error.type() : error.type() + ": " + error.message());
  }

  private static void section(ArrayNode blocks, String markdown) {
    ObjectNode section = blocks.addObject().put("type", "section");
    section.putObject("text").put("type", "mrkdwn").put("text", markdown.isEmpty() ? " " : markdown);
  }

  /** Slack's three control characters. */
  private static String escape(String text) {
    return text == null ? "" : text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
  }

  private AlertMessages() {}
}
