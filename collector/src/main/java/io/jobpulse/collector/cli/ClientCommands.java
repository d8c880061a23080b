package io.jobpulse.collector.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.PrintStream;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** The verbs that talk to a running collector through its REST API. */
final class ClientCommands {

  static final String TOKEN_ENVIRONMENT = "JOBPULSE_API_TOKEN";

  /** Options every client verb shares. */
  static class Target {
    @Option(names = "--url", defaultValue = "http://localhost:8090",
        description = "The collector's API (default ${DEFAULT-VALUE}).")
    String url;

    @Option(names = "--token", description = "The collector's API token, needed by reset-stuck when the collector "
        + "has one (default: " + TOKEN_ENVIRONMENT + ").")
    String token;

    PrintStream out = System.out;
    Map<String, String> environment = Map.of();

    ApiClient api() {
      return new ApiClient(url, token != null ? token : environment.get(TOKEN_ENVIRONMENT));
    }
  }

  @Command(name = "status", mixinStandardHelpOptions = true,
      description = "Workers, running and flagged jobs, and each job name's health.")
  static final class Status extends Target implements Callable<Integer> {
    @Override
    public Integer call() throws Exception {
      ApiClient api = api();
      Table workers = new Table("WORKER", "SERVICE", "HOST", "PID", "STATE", "LEASE", "UPTIME", "LAST HEARTBEAT", "JOBS");
      for (JsonNode w : api.get("api/workers").path("workers")) {
        workers.row(w.path("id").asText(), text(w, "service"), text(w, "host"), text(w, "pid"), text(w, "state"),
            text(w, "lease"), duration(w.path("uptimeSeconds")), text(w, "lastHeartbeatAt"), w.path("jobs").size());
      }
      section(out, "WORKERS", workers);

      Table running = new Table("ID", "NAME", "SERVICE", "STARTED", "PROGRESS", "FLAG");
      for (JsonNode j : api.get("api/jobs?status=RUNNING").path("jobs")) {
        JsonNode p = j.path("progress");
        running.row(j.path("id").asText(), text(j, "name"), text(j, "service"), text(j, "startedAt"),
            p.path("done").asLong() + (p.path("total").isNull() || p.path("total").isMissingNode()
                ? "" : "/" + p.path("total").asLong()), text(j.path("flag"), "type"));
      }
      section(out, "RUNNING JOBS", running);

      section(out, "FLAGGED JOBS", flagged(api));

      Table health = new Table("SCORE", "NAME", "COMPLETED", "FAILED", "CRASHED", "LOST", "FLAGS", "P50", "P95", "TOP ERROR");
      for (JsonNode h : api.get("api/health").path("jobs")) {
        JsonNode c = h.path("counts");
        long liveFlags = c.path("STUCK").asLong() + c.path("STALLED").asLong() + c.path("PENDING_TOO_LONG").asLong()
            + c.path("DUPLICATE").asLong();
        JsonNode top = h.path("topErrors").path(0);
        health.row(text(h, "score"), text(h, "name"), c.path("COMPLETED").asLong(), c.path("FAILED").asLong(),
            c.path("CRASHED").asLong(), c.path("LOST").asLong(), liveFlags,
            millis(h.path("durationMs").path("p50")), millis(h.path("durationMs").path("p95")),
            top.isMissingNode() ? "-" : top.path("count").asLong() + "× " + top.path("signature").asText());
      }
      section(out, "HEALTH (last 24 h)", health);
      return 0;
    }
  }

  @Command(name = "stuck", mixinStandardHelpOptions = true,
      description = "Jobs flagged CRASHED, LOST, STUCK, STALLED, PENDING_TOO_LONG or DUPLICATE.")
  static final class Stuck extends Target implements Callable<Integer> {
    @Override
    public Integer call() throws Exception {
      flagged(api()).print(out);
      return 0;
    }
  }

  @Command(name = "reset-stuck", mixinStandardHelpOptions = true,
      description = "Mark jobs still believed running that started longer ago than --older-than ABANDONED "
          + "(reason \"reset by operator\").")
  static final class ResetStuck extends Target implements Callable<Integer> {
    @Option(names = "--older-than", required = true, description = "e.g. 30m, 2h, 1d")
    String olderThan;

    @Override
    public Integer call() throws Exception {
      JsonNode result = api().post("api/jobs/reset-stuck?olderThan=" + URLEncoder.encode(olderThan, StandardCharsets.UTF_8));
      out.println("reset " + result.path("reset").asInt() + " job(s)");
      for (JsonNode id : result.path("jobs")) {
        out.println("  " + id.asText());
      }
      return 0;
    }
  }

  private static final String[] FLAGS = {"CRASHED", "LOST", "STUCK", "STALLED", "PENDING_TOO_LONG", "DUPLICATE"};

  private static Table flagged(ApiClient api) throws Exception {
    Table table = new Table("ID", "NAME", "STATUS", "FLAG", "FLAGGED AT", "REASON");
    for (String flag : FLAGS) {
      for (JsonNode j : api.get("api/jobs?status=" + flag).path("jobs")) {
        JsonNode f = j.path("flag");
        if (flag.equals(text(f, "type"))) { // a run listed by its status only (reconciled) is not flagged now
          table.row(j.path("id").asText(), text(j, "name"), text(j, "status"), text(f, "type"), text(f, "flaggedAt"),
              text(f, "reason"));
        }
      }
    }
    return table;
  }

  private static void section(PrintStream out, String title, Table table) {
    out.println(title + " (" + table.size() + ")");
    table.print(out);
    out.println();
  }

  private static String text(JsonNode node, String field) {
    JsonNode value = node.path(field);
    return value.isMissingNode() || value.isNull() ? "-" : value.asText();
  }

  private static String millis(JsonNode value) {
    if (!value.isNumber()) {
      return "-";
    }
    long ms = value.asLong();
    if (ms < 1000) {
      return ms + "ms";
    }
    return ms < 60_000 ? String.format(Locale.ROOT, "%.1fs", ms / 1000.0) : duration(ms / 1000);
  }

  private static String duration(JsonNode seconds) {
    return seconds.isNumber() ? duration(seconds.asLong()) : "-";
  }

  private static String duration(long seconds) {
    if (seconds < 60) {
      return seconds + "s";
    }
    if (seconds < 3600) {
      return seconds / 60 + "m" + (seconds % 60 == 0 ? "" : seconds % 60 + "s");
    }
    if (seconds < 86_400) {
      return seconds / 3600 + "h" + (seconds % 3600 / 60 == 0 ? "" : seconds % 3600 / 60 + "m");
    }
    return seconds / 86_400 + "d" + (seconds % 86_400 / 3600 == 0 ? "" : seconds % 86_400 / 3600 + "h");
  }

  private ClientCommands() {}
}
