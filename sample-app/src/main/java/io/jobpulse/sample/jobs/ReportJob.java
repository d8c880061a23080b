package io.jobpulse.sample.jobs;

import java.time.Duration;
import java.util.Map;

/**
 * Generates a report from a template. The quarterly template was never deployed, so the job
 * fails after gathering its figures, on a background thread (silent-thread-death.md).
 */
public final class ReportJob {

  private static final Map<String, String> TEMPLATES = Map.of("monthly-2025", "<monthly>");

  private final Duration gatherFigures;

  public ReportJob(Duration gatherFigures) {
    this.gatherFigures = gatherFigures;
  }

  public String generate(String reportName) throws InterruptedException {
    Thread.sleep(gatherFigures.toMillis());
    String template = TEMPLATES.get(reportName);
    if (template == null) {
      throw new IllegalStateException("report template missing: " + reportName);
    }
    return template;
  }
}
