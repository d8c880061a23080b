package io.jobpulse.benchmarks.common;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The benchmarks read a child JVM's live heap whichever collector it runs. */
class ProcessMemoryTest {

  @ParameterizedTest
  @ValueSource(strings = {"-XX:+UseG1GC", "-XX:+UseParallelGC", "-XX:+UseSerialGC", "-XX:+UseShenandoahGC", "-XX:+UseZGC"})
  void readsTheLiveHeapOfAJvmOnEachCollector(String collector) throws Exception {
    Process child = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        collector, "-Xmx256m", "-cp", System.getProperty("java.class.path"), Idle.class.getName())
        .redirectErrorStream(true)
        .start();
    try {
      child.getInputStream().read(); // the child's one line: it is up
      long[] heap = ProcessMemory.liveHeapBytes(child.pid());
      long used = heap[0];
      long committed = heap[1];
      assertTrue(used > 0 && used <= committed && committed <= 256L << 20,
          collector + ": used " + used + ", committed " + committed);
    } finally {
      child.destroy();
      child.waitFor(30, TimeUnit.SECONDS);
    }
  }

  /** Holds a live megabyte, says it is up, then waits to be killed (at most two minutes). */
  public static final class Idle {
    static byte[] kept;

    public static void main(String[] args) throws InterruptedException {
      kept = new byte[1 << 20];
      System.out.println("up");
      System.out.flush();
      Thread.sleep(TimeUnit.MINUTES.toMillis(2));
    }
  }
}
