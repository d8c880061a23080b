package io.jobpulse.collector.state;

import io.jobpulse.collector.store.JobQuery;
import io.jobpulse.collector.store.JobStore;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The runs as the collector knows them now, for readers on any thread: the store, with the
 * heartbeat fields it has not written yet.
 *
 * <p>A heartbeat that moves nothing but a live run's heartbeat fields (last seen, progress,
 * thread, stack) does not rewrite the run's record: rewriting every listed run on every heartbeat
 * cost ~2.5 times the CPU of a heartbeat of 20 running jobs. The worker's heartbeat itself is
 * written instead, as the durable record ({@link LastHeartbeats}), and the run at most {@link
 * JobStateMachine#WRITE_BEHIND_MS} later or with its next other change. Until then its newer
 * fields are read here, from the run's {@link LiveRun}. An entry only ever adds heartbeat fields to
 * the stored run it is read with: the state machine removes it before it writes any other change
 * to that run, so a reader never trades a newer state for an older one.
 */
public final class CurrentRuns {

  private final JobStore store;
  /**
   * The live runs with heartbeat fields newer than their version in memory (once written behind,
   * no newer than their record; kept, for the next heartbeat). Written by the ingest thread only;
   * read by any.
   */
  final ConcurrentHashMap<String, LiveRun> pulsed = new ConcurrentHashMap<>();
  /** How many of them have fields not written yet; set by the ingest thread after each commit. */
  volatile int unwritten;

  CurrentRuns(JobStore store) {
    this.store = store;
  }

  public Optional<Job> job(String id) {
    return store.job(id).map(this::current);
  }

  public List<Job> jobs(JobQuery query) {
    List<Job> page = store.jobs(query);
    if (pulsed.isEmpty()) {
      return page;
    }
    List<Job> current = new ArrayList<>(page.size());
    for (Job stored : page) {
      current.add(current(stored));
    }
    return current;
  }

  /** How many live runs have heartbeat fields not written yet. */
  public int unwrittenCount() {
    return unwritten;
  }

  private Job current(Job stored) {
    if (stored.status().isTerminal()) {
      return stored;
    }
    LiveRun live = pulsed.get(stored.id());
    return live != null ? live.overlay(stored) : stored;
  }
}
