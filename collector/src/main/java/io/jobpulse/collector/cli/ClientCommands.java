package io.jobpulse.collector.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.PrintStream;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** The verbs that talk to a running collector through its REST API. */
final class ClientCommands {

  /** Options every client verb shares. */
  static class Target {
    @Option(names = "--url", defaultValue = "http://localhost:8090",
        description = "The collector's API (default ${DEFAULT-VALUE}).")
    String url;

    PrintStream out = System.out;
  }

  @Command(name = "status", mixinStandardHelpOptions = true, description = "Workers, running and flagged jobs.")
  static final class Status extends Target implements Callable<Integer> {
    @Override
    public Integer call() throws Exception {
      ApiClient api = new ApiClient(url);
      out.println("WORKERS");
      out.printf("%-38s %-20s %-8s %-24s %s%n", "ID", "SERVICE", "STATE", "LAST HEARTBEAT", "JOBS");
      for (JsonNode w : api.get("api/workers").path("workers")) {
        out.printf("%-38s %-20s %-8s %-24s %d%n", w.path("id").asText(), text(w, "service"), text(w, "state"),
            text(w, "lastHeartbeatAt"), w.path("jobs").size());
      }
      out.println();
      out.println("RUNNING JOBS");
      printJobs(out, api.get("api/jobs?status=RUNNING"));
      out.println();
      out.println("FLAGGED JOBS");
      printFlagged(out, api);
      return 0;
    }
  }

  @Command(name = "stuck", mixinStandardHelpOptions = true,
      description = "Jobs flagged CRASHED, LOST, STUCK, STALLED, PENDING_TOO_LONG or DUPLICATE.")
  static final class Stuck extends Target implements Callable<Integer> {
    @Override
    public Integer call() throws Exception {
      printFlagged(out, new ApiClient(url));
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
      JsonNode result = new ApiClient(url)
          .post("api/jobs/reset-stuck?olderThan=" + URLEncoder.encode(olderThan, StandardCharsets.UTF_8));
      out.println("reset " + result.path("reset").asInt() + " job(s)");
      for (JsonNode id : result.path("jobs")) {
        out.println("  " + id.asText());
      }
      return 0;
    }
  }

  private static final String[] FLAGS = {"CRASHED", "LOST", "STUCK", "STALLED", "PENDING_TOO_LONG", "DUPLICATE"};

  private static void printFlagged(PrintStream out, ApiClient api) throws Exception {
    out.printf("%-18s %-40s %-9s %-24s %s%n", "ID", "NAME", "FLAG", "FLAGGED AT", "REASON");
    for (String flag : FLAGS) {
      for (JsonNode j : api.get("api/jobs?status=" + flag).path("jobs")) {
        JsonNode f = j.path("flag");
        out.printf("%-18s %-40s %-9s %-24s %s%n", j.path("id").asText(), text(j, "name"), text(f, "type"),
            text(f, "flaggedAt"), text(f, "reason"));
      }
    }
  }

  private static void printJobs(PrintStream out, JsonNode body) {
    out.printf("%-18s %-40s %-20s %-24s %s%n", "ID", "NAME", "SERVICE", "STARTED", "PROGRESS");
    for (JsonNode j : body.path("jobs")) {
      JsonNode p = j.path("progress");
      out.printf("%-18s %-40s %-20s %-24s %s%n", j.path("id").asText(), text(j, "name"), text(j, "service"),
          text(j, "startedAt"), p.path("done").asLong() + (p.path("total").isNull() ? "" : "/" + p.path("total").asLong()));
    }
  }

  private static String text(JsonNode node, String field) {
    JsonNode value = node.path(field);
    return value.isMissingNode() || value.isNull() ? "-" : value.asText();
  }

  private ClientCommands() {}
}
