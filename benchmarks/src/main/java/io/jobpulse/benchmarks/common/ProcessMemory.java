package io.jobpulse.benchmarks.common;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Memory of a process, as Linux and the JVM report it. */
public final class ProcessMemory {

  private static final Pattern VM_RSS = Pattern.compile("^VmRSS:\\s+(\\d+) kB", Pattern.MULTILINE);
  private static final Pattern VM_HWM = Pattern.compile("^VmHWM:\\s+(\\d+) kB", Pattern.MULTILINE);
  /**
   * A heap summary line of {@code jcmd <pid> GC.heap_info}: G1 has one ("garbage-first heap   total
   * 262144K, used 21004K"), the generational collectors one per generation ("PSYoungGen total ...",
   * "ParOldGen total ...").
   */
  private static final Pattern HEAP_USED = Pattern.compile("total (\\d+)K, used (\\d+)K");
  /** Shenandoah's one line: {@code 6028M max, 6028M soft max, 3074M committed, 73383K used}. */
  private static final Pattern SHENANDOAH_USED = Pattern.compile("(\\d+)([KMG]) committed, (\\d+)([KMG]) used");
  /** ZGC's one line: {@code ZHeap used 122M, capacity 1120M, max capacity 6028M}. */
  private static final Pattern ZGC_USED = Pattern.compile("ZHeap\\s+used (\\d+)([KMG]), capacity (\\d+)([KMG])");

  private ProcessMemory() {}

  /** Resident set size in bytes, or -1 when /proc does not know the process. */
  public static long rssBytes(long pid) {
    return statusField(pid, VM_RSS);
  }

  /** Peak resident set size in bytes, or -1. */
  public static long peakRssBytes(long pid) {
    return statusField(pid, VM_HWM);
  }

  private static long statusField(long pid, Pattern field) {
    try {
      Matcher m = field.matcher(Files.readString(Path.of("/proc", Long.toString(pid), "status")));
      return m.find() ? Long.parseLong(m.group(1)) * 1024 : -1;
    } catch (IOException e) {
      return -1;
    }
  }

  /**
   * The live heap of another JVM: runs a full GC in it ({@code jcmd <pid> GC.run}) and reads the
   * heap in use afterwards ({@code GC.heap_info}). Returns {used, committed} in bytes.
   */
  public static long[] liveHeapBytes(long pid) {
    jcmd(pid, "GC.run");
    String info = jcmd(pid, "GC.heap_info");
    long[] heap = heapInUse(info);
    if (heap == null) {
      throw new IllegalStateException("unexpected GC.heap_info output from " + pid + ":\n" + info);
    }
    return heap;
  }

  /**
   * {used, committed} in bytes as {@code GC.heap_info} prints them for G1, the parallel and serial
   * collectors, Shenandoah or ZGC; {@code null} for any other output.
   */
  private static long[] heapInUse(String info) {
    Matcher m = HEAP_USED.matcher(info);
    long used = 0;
    long committed = 0;
    boolean found = false;
    while (m.find()) {
      committed += Long.parseLong(m.group(1)) * 1024;
      used += Long.parseLong(m.group(2)) * 1024;
      found = true;
    }
    if (found) {
      return new long[] {used, committed};
    }
    m = SHENANDOAH_USED.matcher(info);
    if (m.find()) {
      return new long[] {bytes(m.group(3), m.group(4)), bytes(m.group(1), m.group(2))};
    }
    m = ZGC_USED.matcher(info);
    if (m.find()) {
      return new long[] {bytes(m.group(1), m.group(2)), bytes(m.group(3), m.group(4))};
    }
    return null;
  }

  /** {@code 73383} and {@code K} as bytes. */
  private static long bytes(String amount, String unit) {
    int shift = switch (unit) {
      case "K" -> 10;
      case "M" -> 20;
      default -> 30;
    };
    return Long.parseLong(amount) << shift;
  }

  private static String jcmd(long pid, String command) {
    Path jcmd = Path.of(System.getProperty("java.home"), "bin", "jcmd");
    List<String> cmd = new ArrayList<>(List.of(jcmd.toString(), Long.toString(pid), command));
    try {
      Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
      String out = new String(p.getInputStream().readAllBytes());
      if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
        throw new IllegalStateException("jcmd " + pid + " " + command + " failed:\n" + out);
      }
      return out;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    }
  }

  /** Bytes as mebibytes with one decimal. */
  public static String mib(long bytes) {
    return bytes < 0 ? "n/a" : String.format("%.1f MiB", bytes / (1024.0 * 1024.0));
  }
}
