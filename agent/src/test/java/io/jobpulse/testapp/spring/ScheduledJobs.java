package io.jobpulse.testapp.spring;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import org.springframework.scheduling.annotation.Scheduled;

/** Ordinary {@code @Scheduled} methods; the long delays make each run once within the test. */
public class ScheduledJobs {

  static final CountDownLatch RAN = new CountDownLatch(2);
  private static final List<String> LOG = new CopyOnWriteArrayList<>();

  @Scheduled(initialDelay = 0, fixedDelay = 3_600_000)
  public void nightlyReport() {
    LOG.add("nightly report built");
    RAN.countDown();
  }

  @Scheduled(initialDelay = 0, fixedDelay = 3_600_000)
  public void purgeCache() {
    try {
      LOG.add("purging the cache");
      throw new IllegalStateException("cache is locked");
    } finally {
      RAN.countDown();
    }
  }

  /** In a fixed order: the jobs run on their own threads, in no particular order. */
  static void printLog() {
    LOG.stream().sorted().forEach(System.out::println);
  }
}
