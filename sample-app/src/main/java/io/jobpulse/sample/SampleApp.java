package io.jobpulse.sample;

import io.jobpulse.sample.batches.ChildBatch;
import io.jobpulse.sample.batches.ChildBatchJob;
import io.jobpulse.sample.batches.ChildLauncher;
import io.jobpulse.sample.batches.ParentBatch;
import io.jobpulse.sample.batches.ParentBatchJob;
import io.jobpulse.sample.dbscheduler.DbSchedulerEnrichment;
import io.jobpulse.sample.jobrunr.JobRunrEnrichment;
import io.jobpulse.sample.jobs.EnrichmentBatch;
import io.jobpulse.sample.jobs.FirmEnrichmentJob;
import io.jobpulse.sample.jobs.InvoiceBatch;
import io.jobpulse.sample.jobs.InvoiceExportJob;
import io.jobpulse.sample.jobs.Ledger;
import io.jobpulse.sample.jobs.LedgerPostingJob;
import io.jobpulse.sample.jobs.NightlyExportJob;
import io.jobpulse.sample.jobs.PayrollJob;
import io.jobpulse.sample.jobs.PayrollRun;
import io.jobpulse.sample.jobs.ReportJob;
import io.jobpulse.sample.jobs.StatementJob;
import io.jobpulse.sample.jobs.StatementRun;
import io.jobpulse.sample.jobs.StuckImportJob;
import io.jobpulse.sample.quartz.QuartzEnrichment;
import io.jobpulse.sample.spring.SpringEnrichment;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CountDownLatch;

/**
 * An ordinary application with background workers, modelled on real incidents, one scenario for
 * each way a job dies. It knows nothing of JobPulse. Its output is deterministic (no times, no
 * thread ids), so the same run can be compared with and without an agent. Every scenario takes
 * {@code --exit-after-ms M}; the others are listed by {@code SampleApp} without arguments.
 *
 * <p>Exit codes: 0 the job ended (or {@code --exit-after-ms} elapsed first), 2 bad usage, 3 the job
 * failed.
 */
public final class SampleApp {

  static final int EXIT_USAGE = 2;
  static final int EXIT_JOB_FAILED = 3;

  private static final String EXIT_AFTER = "--exit-after-ms";
  private static final Set<String> ENRICH_OPTIONS = Set.of("--firms", "--delay-ms", "--batch-id");
  /** {@code --outcome fail}: the job throws once its batch is enriched. */
  private static final String OUTCOME = "--outcome";
  private static final Set<String> FAILING_ENRICH_OPTIONS =
      Set.of("--firms", "--delay-ms", "--batch-id", OUTCOME);

  /** Each scenario's options, besides {@code --exit-after-ms}, in the order of the usage text. */
  private static final Map<String, Set<String>> SCENARIOS = new LinkedHashMap<>();

  static {
    SCENARIOS.put("enrich", Set.of("--firms", "--delay-ms", "--batch-id", "--batches"));
    SCENARIOS.put("fail", Set.of("--report"));
    SCENARIOS.put("hang", Set.of());
    SCENARIOS.put("stall", Set.of("--invoices", "--pool", "--delay-ms", "--batch-id"));
    SCENARIOS.put("blocked", Set.of("--entries", "--day"));
    SCENARIOS.put("slow", Set.of("--accounts", "--delay-ms", "--run-id"));
    SCENARIOS.put("queue", Set.of("--partners", "--full-ms", "--each-ms"));
    SCENARIOS.put("duplicate", Set.of("--employees", "--delay-ms", "--period"));
    SCENARIOS.put("children", Set.of("--count", "--crash-index", "--documents", "--delay-ms",
        "--parallel", "--mode", "--batch-id"));
    SCENARIOS.put("child-batch", Set.of("--parent", "--index", "--documents", "--delay-ms",
        "--bad-document"));
    SCENARIOS.put("quartz", ENRICH_OPTIONS);
    SCENARIOS.put("spring", ENRICH_OPTIONS);
    SCENARIOS.put("db-scheduler", Set.of("--firms", "--delay-ms", "--batch-id", OUTCOME, "--db"));
    SCENARIOS.put("jobrunr", FAILING_ENRICH_OPTIONS);
  }

  public static void main(String[] args) throws InterruptedException {
    PrintStream out = System.out;
    BackgroundJob job;
    long exitAfterMs;
    try {
      if (args.length == 0 || !SCENARIOS.containsKey(args[0])) {
        throw new IllegalArgumentException(
            args.length == 0 ? "no scenario given" : "unknown scenario: " + args[0]);
      }
      Set<String> allowed = new TreeSet<>(SCENARIOS.get(args[0]));
      allowed.add(EXIT_AFTER);
      Options options = Options.parse(args[0], args, 1, allowed);
      job = job(args[0], options, out);
      exitAfterMs = options.number(EXIT_AFTER, 0);
    } catch (IllegalArgumentException e) {
      System.err.println("sample-app: " + e.getMessage());
      System.err.println(usage());
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

  private static BackgroundJob job(String scenario, Options options, PrintStream out) {
    switch (scenario) {
      case "enrich":
        return enrichBatches(options, out);
      case "quartz":
        return enrichment(options, out, QuartzEnrichment::run);
      case "spring":
        return enrichment(options, out, SpringEnrichment::run);
      case "db-scheduler":
        boolean taskFails = fails(options);
        String database = options.string("--db", null);
        return enrichment(options, out, database == null
            ? (batch, job) -> DbSchedulerEnrichment.run(batch, job, taskFails)
            : (batch, job) -> DbSchedulerEnrichment.runOn(Path.of(database), batch, job, taskFails));
      case "jobrunr":
        boolean jobFails = fails(options);
        return enrichment(options, out, (batch, job) -> JobRunrEnrichment.run(batch, job, jobFails));
      case "fail":
        String report = options.string("--report", "quarterly-2025");
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
      case "stall":
        return stall(options, out);
      case "blocked":
        return blocked(options, out);
      case "slow":
        return slow(options, out);
      case "queue":
        return queue(options, out);
      case "duplicate":
        return duplicate(options, out);
      case "children":
        return children(options, out);
      case "child-batch":
        return childBatch(options, out);
      default:
        throw new IllegalArgumentException("unknown scenario: " + scenario);
    }
  }

  /** How a scenario has an enrichment batch run: directly, by Quartz, by Spring. */
  @FunctionalInterface
  private interface EnrichmentRunner {
    int run(EnrichmentBatch batch, FirmEnrichmentJob job) throws Exception;
  }

  private static BackgroundJob enrichment(Options options, PrintStream out, EnrichmentRunner runner) {
    int firms = options.count("--firms", 20);
    Duration delay = Duration.ofMillis(options.number("--delay-ms", 50));
    EnrichmentBatch batch = EnrichmentBatch.of(options.string("--batch-id", "batch-1"), firms);
    FirmEnrichmentJob enrichment = new FirmEnrichmentJob(delay, out);
    out.println("enriching " + firms + " firms in batch " + batch.batchId());
    return () -> "enriched " + runner.run(batch, enrichment) + " firms";
  }

  private static boolean fails(Options options) {
    return options.choice(OUTCOME, "ok", Set.of("ok", "fail")).equals("fail");
  }

  /**
   * One batch, or {@code --batches N} one after the other as a queue worker takes them: {@code
   * <batch-id>}, {@code <batch-id>-2}, ...
   */
  private static BackgroundJob enrichBatches(Options options, PrintStream out) {
    int batches = (int) options.number("--batches", 1, 1_000_000);
    if (batches == 0) {
      throw new IllegalArgumentException("--batches must be at least 1");
    }
    if (batches == 1) {
      return enrichment(options, out, (batch, job) -> job.run(batch));
    }
    int firms = options.count("--firms", 20);
    String firstId = options.string("--batch-id", "batch-1");
    FirmEnrichmentJob enrichment =
        new FirmEnrichmentJob(Duration.ofMillis(options.number("--delay-ms", 50)), out);
    return () -> {
      long enriched = 0;
      for (int n = 1; n <= batches; n++) {
        EnrichmentBatch batch = EnrichmentBatch.of(n == 1 ? firstId : firstId + "-" + n, firms);
        out.println("enriching " + firms + " firms in batch " + batch.batchId());
        enriched += enrichment.run(batch);
      }
      return "enriched " + enriched + " firms in " + batches + " batches";
    };
  }

  private static BackgroundJob stall(Options options, PrintStream out) {
    InvoiceBatch batch =
        new InvoiceBatch(options.string("--batch-id", "invoices-1"), options.count("--invoices", 100));
    InvoiceExportJob export =
        new InvoiceExportJob(
            (int) options.number("--pool", 5, 10_000),
            Duration.ofMillis(options.number("--delay-ms", 50)));
    out.println("exporting " + batch.invoices() + " invoices of batch " + batch.batchId());
    return () -> "exported " + export.run(batch) + " invoices";
  }

  private static BackgroundJob blocked(Options options, PrintStream out) {
    String day = options.string("--day", "2025-11-30");
    int entries = options.count("--entries", 10);
    out.println("posting " + entries + " ledger entries for " + day);
    return () -> {
      Ledger ledger = new Ledger();
      CountDownLatch auditHolds = new CountDownLatch(1);
      // The sign-off never comes: the audit keeps the ledger for as long as the JVM lives.
      CountDownLatch signOff = new CountDownLatch(1);
      Thread audit =
          new Thread(
              () -> {
                try {
                  ledger.audit(auditHolds, signOff);
                } catch (InterruptedException e) {
                  Thread.currentThread().interrupt();
                }
              },
              "ledger-audit");
      audit.setDaemon(true);
      audit.start();
      auditHolds.await();
      return "posted " + new LedgerPostingJob(ledger).run(day, entries) + " entries";
    };
  }

  private static BackgroundJob slow(Options options, PrintStream out) {
    StatementRun run =
        new StatementRun(options.string("--run-id", "statements-2025-11"), options.count("--accounts", 200));
    StatementJob statements = new StatementJob(Duration.ofMillis(options.number("--delay-ms", 50)));
    out.println("rendering " + run.accounts() + " statements for " + run.runId());
    return () -> "rendered " + statements.run(run) + " statements";
  }

  private static BackgroundJob queue(Options options, PrintStream out) {
    int partners = options.count("--partners", 3);
    NightlyExportJob exports =
        new NightlyExportJob(
            Duration.ofMillis(options.number("--full-ms", 600_000)),
            Duration.ofMillis(options.number("--each-ms", 100)),
            out);
    out.println("exporting the files of " + (partners + 1) + " partners");
    return () -> "exported " + exports.run(partners) + " partner files";
  }

  private static BackgroundJob duplicate(Options options, PrintStream out) {
    PayrollRun run = new PayrollRun(options.string("--period", "2025-11"), options.count("--employees", 40));
    PayrollJob payroll = new PayrollJob(Duration.ofMillis(options.number("--delay-ms", 50)));
    out.println("paying " + run.employees() + " employees for " + run.period());
    return () -> {
      // Two scheduler nodes, no shared lock: both fire the period's payroll at once.
      Thread[] nodes = {payrollNode("scheduler-node-a", payroll, run),
          payrollNode("scheduler-node-b", payroll, run)};
      for (Thread node : nodes) {
        node.start();
      }
      for (Thread node : nodes) {
        node.join();
      }
      return "payroll " + run.period() + " ran " + nodes.length + " times";
    };
  }

  private static Thread payrollNode(String name, PayrollJob payroll, PayrollRun run) {
    return new Thread(
        () -> {
          try {
            payroll.run(run);
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
          }
        },
        name);
  }

  private static BackgroundJob children(Options options, PrintStream out) {
    int count = options.count("--count", 20);
    ParentBatch batch =
        new ParentBatch(
            options.string("--batch-id", "annotations-1"),
            count,
            (int) options.number("--crash-index", 0, count),
            options.count("--documents", 10),
            options.number("--delay-ms", 50),
            (int) Math.max(1, options.number("--parallel", 4, 1_000)),
            ParentBatch.Mode.valueOf(
                options.choice("--mode", "threads", Set.of("threads", "processes"))
                    .toUpperCase(Locale.ROOT)));
    ParentBatchJob parent = new ParentBatchJob(new ChildLauncher(SampleApp.class.getName()), out);
    return () -> parent.run(batch);
  }

  private static BackgroundJob childBatch(Options options, PrintStream out) {
    int documents = options.count("--documents", 10);
    ChildBatch batch =
        new ChildBatch(
            options.string("--parent", "annotations-1"),
            options.count("--index", 1),
            documents,
            options.number("--delay-ms", 50),
            (int) options.number("--bad-document", 0, documents));
    ChildBatchJob job = new ChildBatchJob(ChildBatchJob.Parser.NATIVE);
    out.println("annotating " + documents + " documents of batch " + batch.id());
    return () -> "annotated " + job.process(batch) + " documents";
  }

  private static String usage() {
    StringBuilder usage = new StringBuilder("usage: SampleApp <scenario> [options] [" + EXIT_AFTER + " M]");
    SCENARIOS.forEach(
        (scenario, options) -> usage.append("\n  ").append(scenario).append(' ').append(new TreeSet<>(options)));
    return usage.toString();
  }

  private SampleApp() {}
}
