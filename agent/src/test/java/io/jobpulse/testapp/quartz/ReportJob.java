package io.jobpulse.testapp.quartz;

import java.util.concurrent.CountDownLatch;
import org.quartz.Job;
import org.quartz.JobExecutionContext;

/** An ordinary Quartz job. */
public class ReportJob implements Job {
  static final CountDownLatch RAN = new CountDownLatch(1);

  @Override
  public void execute(JobExecutionContext context) {
    System.out.println("report " + context.getJobDetail().getKey());
    RAN.countDown();
  }
}
