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
    Matcher m = HEAP_USED.matcher(info);
    long used = 0;
    long committed = 0;
    boolean found = false;
    while (m.find()) {
      committed += Long.parseLong(m.group(1)) * 1024;
      used += Long.parseLong(m.group(2)) * 1024;
      found = true;
    }
    if (!found) {
      throw new IllegalStateException("unexpected GC.heap_info output from " + pid + ":\n" + info);
    }
    return new long[] {used, committed};
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
