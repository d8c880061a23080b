package io.jobpulse.testapp.spring;

import java.util.concurrent.TimeUnit;
import org.springframework.context.annotation.AnnotationConfigApplicationContext;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Import;
import org.springframework.scheduling.annotation.EnableScheduling;

/** A tiny Spring application whose scheduled methods each run once; it prints what they did, then exits. */
@Configuration
@EnableScheduling
@Import(ScheduledJobs.class)
public class SpringApp {

  public static void main(String[] args) throws Exception {
    try (AnnotationConfigApplicationContext context = new AnnotationConfigApplicationContext(SpringApp.class)) {
      if (!ScheduledJobs.RAN.await(60, TimeUnit.SECONDS)) {
        System.out.println("the scheduled jobs never ran");
      }
    }
    ScheduledJobs.printLog();
  }
}
