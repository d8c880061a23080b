package io.jobpulse.sample;

import io.jobpulse.sample.jobs.EnrichmentBatch;
import io.jobpulse.sample.jobs.FirmEnrichmentJob;
import io.jobpulse.sample.jobs.ReportJob;
import io.jobpulse.sample.jobs.StuckImportJob;
import java.io.PrintStream;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;

/**
 * An ordinary application with a background worker, modelled on real incidents. It knows
 * nothing of JobPulse. Its output is deterministic (no times, no thread ids), so the same run
 * can be compared with and without an agent.
 *
 * <pre>
 * SampleApp enrich [--firms N] [--delay-ms D] [--batch-id B] [--exit-after-ms M]
 * SampleApp fail   [--report NAME] [--exit-after-ms M]
 * SampleApp hang   [--exit-after-ms M]
 * </pre>
 *
 * Exit codes: 0 the job ended (or {@code --exit-after-ms} elapsed first), 2 bad usage, 3 the job
 * failed.
 */
public final class SampleApp {

  static final int EXIT_USAGE = 2;
  static final int EXIT_JOB_FAILED = 3;

  private static final String USAGE =
      "usage: SampleApp enrich [--firms N] [--delay-ms D] [--batch-id B] [--exit-after-ms M]\n"
          + "       SampleApp fail [--report NAME] [--exit-after-ms M]\n"
          + "       SampleApp hang [--exit-after-ms M]";

  private static final Map<String, Set<String>> OPTIONS =
      Map.of(
          "enrich", Set.of("--firms", "--delay-ms", "--batch-id", "--exit-after-ms"),
          "fail", Set.of("--report", "--exit-after-ms"),
          "hang", Set.of("--exit-after-ms"));

  public static void main(String[] args) throws InterruptedException {
    PrintStream out = System.out;
    BackgroundJob job;
    long exitAfterMs;
    try {
      if (args.length == 0 || !OPTIONS.containsKey(args[0])) {
        throw new IllegalArgumentException(
            args.length == 0 ? "no scenario given" : "unknown scenario: " + args[0]);
      }
      Map<String, String> options = parseOptions(args, OPTIONS.get(args[0]));
      job = job(args[0], options, out);
      exitAfterMs = longOption(options, "--exit-after-ms", 0);
    } catch (IllegalArgumentException e) {
      System.err.println("sample-app: " + e.getMessage());
      System.err.println(USAGE);
      System.exit(EXIT_USAGE);
      return;
    }

    Worker worker = Worker.start("job-worker", job, out);
    if (!worker.awaitEnd(exitAfterMs)) {
      // An orderly shutdown (a deploy, a scale-down) while the job still works.
      out.println("exiting after " + exitAfterMs + " ms while the job still runs");
      System.exit(0);
    }
    if (worker.failed()) {
      System.exit(EXIT_JOB_FAILED);
    }
  }

  private static BackgroundJob job(String scenario, Map<String, String> options, PrintStream out) {
    switch (scenario) {
      case "enrich":
        long firmCount = longOption(options, "--firms", 20);
        if (firmCount > 10_000_000) {
          throw new IllegalArgumentException("--firms must be at most 10000000: " + firmCount);
        }
        int firms = (int) firmCount;
        Duration delay = Duration.ofMillis(longOption(options, "--delay-ms", 50));
        EnrichmentBatch batch =
            EnrichmentBatch.of(options.getOrDefault("--batch-id", "batch-1"), firms);
        FirmEnrichmentJob enrichment = new FirmEnrichmentJob(delay, out);
        out.println("enriching " + firms + " firms in batch " + batch.batchId());
        return () -> "enriched " + enrichment.run(batch) + " firms";
      case "fail":
        String report = options.getOrDefault("--report", "quarterly-2025");
        ReportJob reports = new ReportJob(Duration.ofMillis(200));
        out.println("generating report " + report);
        return () -> "generated report " + reports.generate(report);
      case "hang":
        StuckImportJob importJob = new StuckImportJob();
        out.println("importing the partner file");
        return () -> {
          importJob.run();
          return "imported the partner file";
        };
      default:
        throw new IllegalArgumentException("unknown scenario: " + scenario);
    }
  }

  private static Map<String, String> parseOptions(String[] args, Set<String> allowed) {
    Map<String, String> options = new HashMap<>();
    for (int i = 1; i < args.length; i += 2) {
      if (!allowed.contains(args[i])) {
        throw new IllegalArgumentException(
            "unknown option for " + args[0] + ": " + args[i] + " (allowed: " + allowed + ")");
      }
      if (i + 1 == args.length) {
        throw new IllegalArgumentException("missing value for " + args[i]);
      }
      options.put(args[i], args[i + 1]);
    }
    return options;
  }

  private static long longOption(Map<String, String> options, String name, long defaultValue) {
    String value = options.get(name);
    if (value == null) {
      return defaultValue;
    }
    try {
      long parsed = Long.parseLong(value);
      if (parsed < 0) {
        throw new IllegalArgumentException(name + " must not be negative: " + value);
      }
      return parsed;
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(name + " must be a whole number: " + value);
    }
  }

  private SampleApp() {}
}
