package io.jobpulse.collector.state;

import java.util.List;
import java.util.Objects;

/**
 * A run that is not over, as the state machine keeps it: the version of its last change other than
 * a heartbeat's, and the heartbeat fields received since (last seen, progress, thread, stack),
 * updated in place.
 *
 * <p>Why in place: a heartbeat moves these fields of every run it lists, and a new {@link Job} for
 * each of them lived until the next round, for the young collections to copy and for the old
 * objects pointing at it to be scanned. With 10,000 workers listing 45,000 runs (the scale
 * benchmark, BENCHMARKS.md §5), updating them in place cut the collector's total GC pause time by
 * a quarter to a third; a heartbeat now leaves behind only the strings that changed. The {@code
 * Job} a reader asks for is built when asked, and dies young.
 *
 * <p>Threads: only the ingest thread writes, and it reads without locking. Readers on other threads
 * ({@link CurrentRuns}) read the heartbeat fields under this object's monitor, which every write
 * holds too, so they see one heartbeat's fields, never a mix of two. The monitor is contended only
 * when a reader and a heartbeat meet on the same run.
 */
final class LiveRun {

  /** Stands for {@code null} in the primitive fields. */
  private static final long NONE = Long.MIN_VALUE;

  private Job job;
  /** Whether the fields below are newer than {@link #job}'s; when not, they are not read. */
  private boolean pulsed;
  private long lastSeenAt;
  private long lastProgressAt;
  private long progressDone;
  private long progressTotal;
  private String threadName;
  private String threadState;
  private String stackTop;
  /**
   * The progress samples, oldest first, as two arrays rather than a list: a heartbeat adds one and
   * drops one, and a new list each time was a new object for every old run to point at, a card
   * G1's young collections must scan (with spread heartbeats, G1's pauses a further ~30% shorter
   * in sum without it).
   */
  private long[] sampleAt;
  private long[] sampleDone;
  private int samples;
  private double ratePerSecond;
  private boolean hasRate;

  LiveRun(Job job) {
    this.job = job;
  }

  String id() {
    return job.id();
  }

  /** The run as it is now. Ingest thread only. */
  Job current() {
    return pulsed ? withHeartbeatFields(job) : job;
  }

  /**
   * Takes {@code after}'s heartbeat fields: a change of this run that moves nothing else (see
   * {@code JobStateMachine.onListedRunning}). A string equal to the one held keeps the one held, so
   * that an unchanged thread name or stack does not pin a new copy per heartbeat.
   */
  synchronized void pulse(Job after) {
    Job base = pulsed ? null : job;
    lastSeenAt = orNone(after.lastSeenAt());
    lastProgressAt = orNone(after.lastProgressAt());
    progressDone = after.progressDone();
    progressTotal = orNone(after.progressTotal());
    threadName = same(base == null ? threadName : base.threadName(), after.threadName());
    threadState = same(base == null ? threadState : base.threadState(), after.threadState());
    stackTop = same(base == null ? stackTop : base.stackTop(), after.stackTop());
    List<ProgressSample> received = after.progressSamples();
    samples = received.size();
    if (sampleAt == null || sampleAt.length < samples) {
      // Sized for the run it is, not for the longest: a run keeps up to ~14 samples, one every
      // few seconds, but most runs end within seconds. Every live run holds these two arrays, and
      // the runs in progress are what the young collections copy and promote (BENCHMARKS.md §3).
      int capacity = sampleAt == null ? 4 : 2 * sampleAt.length;
      sampleAt = new long[Math.max(samples, capacity)];
      sampleDone = new long[sampleAt.length];
    }
    for (int i = 0; i < samples; i++) {
      ProgressSample sample = received.get(i);
      sampleAt[i] = sample.at();
      sampleDone[i] = sample.done();
    }
    hasRate = after.ratePerSecond() != null;
    ratePerSecond = hasRate ? after.ratePerSecond() : 0;
    pulsed = true;
  }

  /** Takes {@code job} as the run's version: a change other than a heartbeat's, which carries the newest fields. */
  synchronized void replace(Job job) {
    this.job = job;
    pulsed = false;
    threadName = null;
    threadState = null;
    stackTop = null;
  }

  /**
   * {@code stored}, this run's record as a reader found it, with the heartbeat fields received
   * since. Any thread. The status, flag and everything else stay {@code stored}'s.
   */
  synchronized Job overlay(Job stored) {
    return pulsed ? withHeartbeatFields(stored) : stored;
  }

  private Job withHeartbeatFields(Job base) {
    return base.toBuilder()
        .lastSeenAt(orNull(lastSeenAt))
        .lastProgressAt(orNull(lastProgressAt))
        .progressDone(progressDone)
        .progressTotal(orNull(progressTotal))
        .threadName(threadName)
        .threadState(threadState)
        .stackTop(stackTop)
        .progressSamples(progressSamples())
        .ratePerSecond(hasRate ? ratePerSecond : null)
        .build();
  }

  private List<ProgressSample> progressSamples() {
    ProgressSample[] list = new ProgressSample[samples];
    for (int i = 0; i < samples; i++) {
      list[i] = new ProgressSample(sampleAt[i], sampleDone[i]);
    }
    return List.of(list);
  }

  private static String same(String held, String received) {
    return Objects.equals(held, received) ? held : received;
  }

  private static long orNone(Long value) {
    return value == null ? NONE : value;
  }

  private static Long orNull(long value) {
    return value == NONE ? null : value;
  }
}
