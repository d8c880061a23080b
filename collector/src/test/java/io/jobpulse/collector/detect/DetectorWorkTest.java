package io.jobpulse.collector.detect;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jobpulse.collector.metrics.CollectorMetrics;
import io.jobpulse.collector.state.FlagType;
import io.jobpulse.collector.state.JobStateMachine;
import io.jobpulse.collector.state.JobStatus;
import io.jobpulse.collector.state.SpanEvent;
import io.jobpulse.collector.state.SpanEvent.ActiveRun;
import io.jobpulse.collector.state.SpanEvent.Heartbeat;
import io.jobpulse.collector.state.SpanEvent.JobEnded;
import io.jobpulse.collector.state.SpanEvent.JobStarted;
import io.jobpulse.collector.state.SpanEvent.RunAttributes;
import io.jobpulse.collector.state.WorkerIdentity;
import io.jobpulse.collector.store.JobQuery;
import io.jobpulse.collector.store.JobStore;
import io.jobpulse.collector.testing.MutableClock;
import io.jobpulse.contract.JobOutcome;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A detector tick's work, as {@code /metrics} shows it, is that of the live workers and the due
 * deadlines: the same scenario of live runs gives the same work counts whether the store also holds
 * no finished run or ten times as many as the live ones. Real store, time moved by hand.
 */
class DetectorWorkTest {

  private static final long T0 = 1_700_000_000_000L;
  private static final long INTERVAL = 30_000;
  private static final int WORKERS = 10;
  private static final int RUNS_PER_WORKER = 5;
  private static final int LIVE_RUNS = WORKERS * RUNS_PER_WORKER;
  private static final String NAME = "com.acme.Sync#pull";

  @TempDir Path dir;

  /** One tick's work as the last-tick gauges show it: workers, deadlines, flagged. */
  private record Work(long workers, long deadlines, long flagged) {}

  @Test
  void aTicksWorkDoesNotGrowWithTheStoredJobs() {
    List<Work> withoutHistory = scenario(dir.resolve("empty"), 0);
    List<Work> withHistory = scenario(dir.resolve("history"), 10 * LIVE_RUNS);

    List<Work> expected = List.of(
        new Work(WORKERS, 0, 0), // all quiet: every alive worker checked, nothing due
        new Work(WORKERS, LIVE_RUNS, LIVE_RUNS), // every run over its max runtime: due and STUCK
        new Work(WORKERS, 0, 2 * RUNS_PER_WORKER), // two workers fell silent: their runs CRASHED
        new Work(WORKERS - 2, 0, 0)); // the dead are not checked again
    assertEquals(expected, withoutHistory);
    assertEquals(expected, withHistory, "500 stored finished runs change nothing a tick looks at");
  }

  /**
   * Runs {@link #LIVE_RUNS} live runs through the four ticks of {@link
   * #aTicksWorkDoesNotGrowWithTheStoredJobs}, with {@code finished} finished runs stored first;
   * returns each tick's work read back from the scraped metrics.
   */
  private List<Work> scenario(Path data, int finished) {
    MutableClock clock = new MutableClock(T0);
    try (JobStore store = JobStore.open(data)) {
      JobStateMachine machine = new JobStateMachine(store, clock);
      CollectorMetrics metrics = new CollectorMetrics(store);
      long startedLongAgo = T0 - Duration.ofHours(1).toMillis(); // no restart grace in the way
      HeartbeatDetector heartbeats = new HeartbeatDetector(3, startedLongAgo);
      RunDetector runs = new RunDetector(machine,
          DetectionSettings.builder().maxRuntime(Duration.ofMinutes(1)).build(), 3, startedLongAgo);
      Detector detector = new MeasuredDetector(heartbeats, runs, new WorkerRetention(Duration.ofDays(7)),
          metrics.detector());

      List<SpanEvent> history = new ArrayList<>();
      for (int i = 0; i < finished; i++) {
        WorkerIdentity worker = worker(i % WORKERS);
        history.add(new JobEnded(worker, attrs("done-" + i), "trace-done-" + i, "done-" + i, T0 - 5_000, T0 - 1_000,
            i % 20 == 0 ? JobOutcome.FAILED : JobOutcome.COMPLETED, null, null));
      }
      machine.apply(history, clock.millis());
      assertEquals(finished, store.jobs(new JobQuery(null, null, null, 10_000)).size());
      for (int w = 0; w < WORKERS; w++) {
        List<SpanEvent> starts = new ArrayList<>();
        for (int r = 0; r < RUNS_PER_WORKER; r++) {
          starts.add(new JobStarted(worker(w), attrs(runId(w, r)), "trace-" + runId(w, r), runId(w, r), T0));
        }
        machine.apply(starts, clock.millis());
      }
      beat(machine, clock, 0, WORKERS, 1);

      List<Work> work = new ArrayList<>();
      clock.advance(1_000);
      work.add(tick(detector, machine, clock, metrics));

      beat(machine, clock, 30_000, WORKERS, 2);
      beat(machine, clock, 30_000, WORKERS, 3);
      clock.advance(1_000); // 62 s after the start: past the 1 min max runtime
      work.add(tick(detector, machine, clock, metrics));
      assertEquals(LIVE_RUNS, store.jobs(new JobQuery(FlagType.STUCK.name(), null, null, 10_000)).size());

      // Workers 0 and 1 fall silent; the others keep beating past the 3 × 30 s timeout.
      for (int round = 4; round <= 6; round++) {
        beat(machine, clock, 30_000, WORKERS - 2, round);
      }
      clock.advance(1_000);
      work.add(tick(detector, machine, clock, metrics));
      assertEquals(2 * RUNS_PER_WORKER, store.jobs(new JobQuery(JobStatus.CRASHED.name(), null, null, 10_000)).size());

      clock.advance(1_000);
      work.add(tick(detector, machine, clock, metrics));

      String text = scrape(metrics);
      assertEquals(4, value(text, "jobpulse_detector_tick_seconds_count"));
      assertTrue(value(text, "jobpulse_detector_tick_seconds_sum") > 0, text);
      assertEquals(4, value(text, "jobpulse_detector_tick_seconds_bucket{le=\"+Inf\"}"));
      assertEquals(3 * WORKERS + WORKERS - 2, value(text, "jobpulse_detector_workers_examined_total"));
      assertEquals(LIVE_RUNS, value(text, "jobpulse_detector_deadlines_examined_total"));
      assertEquals(LIVE_RUNS + 2 * RUNS_PER_WORKER, value(text, "jobpulse_detector_runs_flagged_total"));
      return work;
    }
  }

  private static Work tick(Detector detector, JobStateMachine machine, MutableClock clock, CollectorMetrics metrics) {
    int flagged = detector.tick(machine, clock.millis());
    String text = scrape(metrics);
    Work work = new Work((long) value(text, "jobpulse_detector_tick_workers_examined"),
        (long) value(text, "jobpulse_detector_tick_deadlines_examined"),
        (long) value(text, "jobpulse_detector_tick_runs_flagged"));
    assertEquals(flagged, work.flagged(), "the gauge shows what the tick returned");
    return work;
  }

  /** Moves the clock by {@code advanceMs}; workers [0, count) each send a heartbeat listing their runs. */
  private static void beat(JobStateMachine machine, MutableClock clock, long advanceMs, int count, long done) {
    clock.advance(advanceMs);
    for (int w = 0; w < count; w++) {
      List<ActiveRun> active = new ArrayList<>();
      for (int r = 0; r < RUNS_PER_WORKER; r++) {
        active.add(new ActiveRun(runId(w, r), NAME, done, null, "worker-" + r, "RUNNABLE", true,
            "com.acme.Sync.pull(Sync.java:40)"));
      }
      machine.apply(List.of(new Heartbeat(worker(w), INTERVAL, active.stream().map(ActiveRun::id).toList(), active,
          List.of())), clock.millis());
    }
  }

  private static String scrape(CollectorMetrics metrics) {
    return new String(metrics.scrape(), StandardCharsets.UTF_8);
  }

  /** The value of the sample {@code series} (name and labels exactly as printed); -1 when absent. */
  private static double value(String text, String series) {
    Matcher m = Pattern.compile("^" + Pattern.quote(series) + " (\\S+)$", Pattern.MULTILINE).matcher(text);
    return m.find() ? Double.parseDouble(m.group(1)) : -1;
  }

  private static WorkerIdentity worker(int w) {
    return new WorkerIdentity("w-" + w, "billing", 100L + w, "host-" + w, "0.1.0");
  }

  private static String runId(int worker, int run) {
    return "run-" + worker + "-" + run;
  }

  private static RunAttributes attrs(String id) {
    return new RunAttributes(id, NAME, null, null, 1, "worker-1", 0, null);
  }
}
