package io.jobpulse.testapp.load;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.util.TreeSet;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * An application that runs many jobs — quick ones, failing ones, longer ones, one that runs
 * throughout — in phases of {@code args[1]} runs, each phase lasting at least {@code args[2]} ms.
 * After each phase it reports its used heap after a full GC and its threads' names. Then it waits
 * for {@code release} (the long job ends and a last small batch runs) and {@code exit}.
 */
public class LoadApp {

  public static void main(String[] args) throws Exception {
    int phases = Integer.parseInt(args[0]);
    int runsPerPhase = Integer.parseInt(args[1]);
    long phaseNanos = TimeUnit.MILLISECONDS.toNanos(Long.parseLong(args[2]));
    BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
    Load load = new Load();
    CountDownLatch release = new CountDownLatch(1);
    Thread longJob = new Thread(() -> load.longJob(release), "long-job");
    longJob.start();
    load.row(-1); // the item method outside any job

    long sum = 0;
    int failures = 0;
    for (int phase = 0; phase < phases; phase++) {
      long phaseEnd = System.nanoTime() + phaseNanos;
      for (int i = 0; i < runsPerPhase; i++) {
        int n = phase * runsPerPhase + i;
        if (n % 10 == 0) {
          try {
            load.fail(Integer.toString(n));
          } catch (IllegalStateException e) {
            failures++;
          }
        } else if (n % 10 == 1) {
          sum += load.withOrder(new Order(1));
        } else {
          sum += load.quick(n);
        }
      }
      sum += load.slow(150) > 0 ? 1 : 0;
      // The application's own pace: the load is spread over time.
      while (System.nanoTime() - phaseEnd < 0) {
        LockSupport.parkNanos(phaseEnd - System.nanoTime());
      }
      report(phase);
    }
    System.out.println("load done sum=" + sum + " failures=" + failures);

    System.out.println("got " + in.readLine());
    release.countDown();
    longJob.join();
    for (int i = 0; i < 100; i++) {
      load.quick(i);
    }
    for (int i = 0; i < 10; i++) {
      try {
        load.fail("after-" + i);
      } catch (IllegalStateException e) {
        failures++;
      }
    }
    System.out.println("after done failures=" + failures);
    System.out.println("got " + in.readLine());
  }

  private static void report(int phase) {
    for (int i = 0; i < 3; i++) {
      System.gc();
    }
    long used = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
    TreeSet<String> threads = new TreeSet<>();
    for (Thread thread : Thread.getAllStackTraces().keySet()) {
      threads.add(thread.getName());
    }
    System.out.println("phase " + phase + " heap " + used + " threads " + String.join("|", threads));
  }
}
