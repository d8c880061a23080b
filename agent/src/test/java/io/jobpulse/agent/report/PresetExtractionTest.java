package io.jobpulse.agent.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;

import com.github.kagkarlsson.scheduler.task.Execution;
import com.github.kagkarlsson.scheduler.task.ExecutionContext;
import com.github.kagkarlsson.scheduler.task.TaskInstance;
import io.jobpulse.agent.instrument.preset.DbSchedulerPreset;
import io.jobpulse.agent.instrument.preset.JobRunrPreset;
import io.jobpulse.agent.instrument.preset.QuartzPreset;
import io.jobpulse.agent.instrument.preset.RunExtractor;
import io.jobpulse.agent.instrument.preset.RunFacts;
import java.lang.reflect.InvocationTargetException;
import java.time.Instant;
import java.util.List;
import org.jobrunr.jobs.Job;
import org.jobrunr.jobs.JobDetails;
import org.jobrunr.jobs.context.JobDashboardProgressBar;
import org.junit.jupiter.api.Test;

/** What each preset reads from real objects of its library, through the reporter's argument reader. */
class PresetExtractionTest {

  private final ArgumentReader reader = new ArgumentReader();

  @Test
  void dbSchedulerNamesTheTaskAndCountsTheAttemptFromConsecutiveFailures() {
    TaskInstance<Void> instance = new TaskInstance<>("rebuild-index", "index-7");
    Execution revived = new Execution(Instant.now(), instance, true, "worker-2", null, Instant.now(), 1, null, 3);
    RunFacts facts = new DbSchedulerPreset().extractor().extract(new Object[] {instance, new ExecutionContext(null, revived, null, null)}, reader);
    assertEquals("rebuild-index", facts.jobName());
    assertEquals("index-7", facts.businessId());
    assertEquals(2, facts.attempt());
    assertNull(facts.progress());
  }

  @Test
  void jobRunrNamesTheJobAndReadsItsIdRetriesAndProgressBar() {
    Job job = new Job(new JobDetails("com.acme.Reports", null, "build", List.of()));
    job.setJobName("Build report r-1");
    RunExtractor extractor = new JobRunrPreset().extractor();
    RunFacts facts = extractor.extract(new Object[] {job}, reader);
    assertEquals("Build report r-1", facts.jobName());
    assertEquals(job.getId().toString(), facts.businessId());
    assertEquals(1, facts.attempt());
    assertEquals(-1, facts.progress().total()); // no progress bar yet

    JobDashboardProgressBar bar = new JobDashboardProgressBar(job, 10L);
    bar.setProgress(4);
    assertEquals(10, facts.progress().total());
    assertEquals(4, facts.progress().done());

    job.failed("first try", new IllegalStateException("boom"));
    assertEquals(2, extractor.extract(new Object[] {job}, reader).attempt());
  }

  @Test
  void jobRunrReportsTheJobsOwnExceptionNotTheReflectiveWrapper() {
    IllegalStateException cause = new IllegalStateException("export target is full");
    RunExtractor extractor = new JobRunrPreset().extractor();
    assertSame(cause, extractor.failure(new InvocationTargetException(cause)));
    assertSame(cause, extractor.failure(cause));
  }

  @Test
  void quartzKeepsTheJobKeyAsBusinessIdAndTheMethodAsName() {
    org.quartz.JobDetail detail = org.quartz.JobBuilder.newJob(io.jobpulse.testapp.quartz.ReportJob.class).withIdentity("nightly", "reports").build();
    org.quartz.JobExecutionContext context = new org.quartz.impl.JobExecutionContextImpl(null,
        new org.quartz.spi.TriggerFiredBundle(detail, new org.quartz.impl.triggers.SimpleTriggerImpl(), null, false, null, null, null, null), null);
    RunFacts facts = new QuartzPreset().extractor().extract(new Object[] {context}, reader);
    assertNull(facts.jobName());
    assertEquals("reports.nightly", facts.businessId());
  }
}
