package io.jobpulse.benchmarks.startup;

import io.jobpulse.benchmarks.common.ProcessMemory;
import io.jobpulse.benchmarks.hotpath.TrivialJob;
import java.lang.management.ManagementFactory;

/**
 * The application of the start-up benchmark, run in a child JVM under each agent: says when
 * {@code main} is reached, runs the job a little, lets the agent's background threads settle,
 * then reports its own footprint on one line.
 */
public final class StartupProbe {

  static final String MAIN_REACHED = "MAIN-REACHED";
  static final String FOOTPRINT = "FOOTPRINT";

  private StartupProbe() {}

  /** @param args the milliseconds to let the agent settle before measuring */
  public static void main(String[] args) throws InterruptedException {
    System.out.println(MAIN_REACHED);
    System.out.flush();
    TrivialJob job = new TrivialJob();
    long sum = 0;
    for (int i = 0; i < 10_000; i++) {
      sum += job.succeed(i);
    }
    // The workload of this program: idle like an application between jobs, while the agent's
    // exporter and heartbeat threads start and allocate what they keep.
    Thread.sleep(Long.parseLong(args[0]));
    System.gc();
    long pid = ProcessHandle.current().pid();
    System.out.println(FOOTPRINT
        + " heap=" + ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed()
        + " nonHeap=" + ManagementFactory.getMemoryMXBean().getNonHeapMemoryUsage().getUsed()
        + " rss=" + ProcessMemory.rssBytes(pid)
        + " threads=" + ManagementFactory.getThreadMXBean().getThreadCount()
        + " classes=" + ManagementFactory.getClassLoadingMXBean().getLoadedClassCount()
        + " checksum=" + sum);
  }
}
