package io.jobpulse.testapp.quartz;

import java.util.Properties;
import java.util.concurrent.TimeUnit;
import org.quartz.JobBuilder;
import org.quartz.Scheduler;
import org.quartz.TriggerBuilder;
import org.quartz.impl.StdSchedulerFactory;

/** An application that runs one job through a real Quartz scheduler, then exits. */
public class QuartzApp {

  public static void main(String[] args) throws Exception {
    Properties properties = new Properties();
    properties.setProperty("org.quartz.scheduler.instanceName", "test");
    properties.setProperty("org.quartz.threadPool.threadCount", "1");
    properties.setProperty("org.quartz.jobStore.class", "org.quartz.simpl.RAMJobStore");
    Scheduler scheduler = new StdSchedulerFactory(properties).getScheduler();
    scheduler.scheduleJob(
        JobBuilder.newJob(ReportJob.class).withIdentity("nightly", "reports").build(),
        TriggerBuilder.newTrigger().startNow().build());
    scheduler.start();
    if (!ReportJob.RAN.await(60, TimeUnit.SECONDS)) {
      System.out.println("the job never ran");
    }
    scheduler.shutdown(true);
  }
}
