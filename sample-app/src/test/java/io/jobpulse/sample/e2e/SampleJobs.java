package io.jobpulse.sample.e2e;

import io.jobpulse.sample.batches.ChildBatchJob;
import io.jobpulse.sample.batches.ParentBatchJob;
import io.jobpulse.sample.jobs.ExportTask;
import io.jobpulse.sample.jobs.FirmEnrichmentJob;
import io.jobpulse.sample.jobs.InvoiceExportJob;
import io.jobpulse.sample.jobs.LedgerPostingJob;
import io.jobpulse.sample.jobs.NightlyExportJob;
import io.jobpulse.sample.jobs.PayrollJob;
import io.jobpulse.sample.jobs.ReportJob;
import io.jobpulse.sample.jobs.StatementJob;
import io.jobpulse.sample.jobs.StuckImportJob;
import io.jobpulse.sample.quartz.EnrichmentQuartzJob;
import io.jobpulse.sample.spring.ScheduledEnrichment;
import java.time.Duration;

/** The sample app's job methods, as the agent is told about them and the API names them. */
final class SampleJobs {

  static final String ENRICH = FirmEnrichmentJob.class.getName() + "#run";
  static final String REPORT = ReportJob.class.getName() + "#generate";
  static final String IMPORT = StuckImportJob.class.getName() + "#run";
  static final String INVOICE_EXPORT = InvoiceExportJob.class.getName() + "#run";
  static final String LEDGER_POSTING = LedgerPostingJob.class.getName() + "#run";
  static final String STATEMENTS = StatementJob.class.getName() + "#run";
  static final String NIGHTLY_EXPORT = NightlyExportJob.class.getName() + "#run";
  static final String PAYROLL = PayrollJob.class.getName() + "#run";
  static final String PARENT_BATCH = ParentBatchJob.class.getName() + "#run";
  static final String CHILD_BATCH = ChildBatchJob.class.getName() + "#process";

  /** Executor tasks are named by the task's class ({@code preset:executor}). */
  static final String EXPORT_TASK = ExportTask.class.getName() + "#run";
  static final String CHILD_BATCH_TASK = "io.jobpulse.sample.batches.ChildBatchTask#call";

  /** Named by the presets alone: no {@code jobpulse.jobs}. */
  static final String QUARTZ_JOB = EnrichmentQuartzJob.class.getName() + "#execute";
  static final String SPRING_JOB = ScheduledEnrichment.class.getName() + "#enrichFirms";

  /** {@code jobpulse.jobs}: the batch ids are the business ids, their sizes the item totals. */
  static final String JOBS_MATCHERS =
      String.join(";",
          ENRICH + "(id=arg0.batchId,total=arg0.firms.size)",
          REPORT,
          IMPORT,
          INVOICE_EXPORT + "(id=arg0.batchId,total=arg0.invoices)",
          LEDGER_POSTING + "(id=arg0,total=arg1)",
          STATEMENTS + "(id=arg0.runId,total=arg0.accounts)",
          NIGHTLY_EXPORT,
          PAYROLL + "(id=arg0.period,total=arg0.employees)",
          PARENT_BATCH + "(id=arg0.id,total=arg0.children)",
          CHILD_BATCH + "(id=arg0.id,total=arg0.documents)");

  /** With the JDK's executors: tasks a job submits are its children. */
  static final String JOBS_AND_EXECUTORS = JOBS_MATCHERS + ";preset:executor";

  /** {@code jobpulse.items}: one firm, invoice, statement, payment, document is one unit of progress. */
  static final String ITEM_MATCHERS =
      String.join(";",
          FirmEnrichmentJob.class.getName() + "#enrichFirm",
          InvoiceExportJob.class.getName() + "#exportInvoice",
          StatementJob.class.getName() + "#renderStatement",
          PayrollJob.class.getName() + "#pay",
          ChildBatchJob.class.getName() + "#annotate");

  static final String SERVICE_NAME = "sample-app";

  /** Short, so a test sees a dead worker flagged in seconds. */
  static final Duration HEARTBEAT_INTERVAL = Duration.ofMillis(500);

  /** How long a worker may stay silent before the collector may call it dead. */
  static final Duration HEARTBEAT_TIMEOUT =
      HEARTBEAT_INTERVAL.multipliedBy(CollectorProcess.HEARTBEAT_MISSES);

  private SampleJobs() {}
}
