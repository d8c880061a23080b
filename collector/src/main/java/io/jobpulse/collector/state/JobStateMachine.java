package io.jobpulse.collector.state;

import io.jobpulse.collector.state.SpanEvent.ActiveRun;
import io.jobpulse.collector.state.SpanEvent.Heartbeat;
import io.jobpulse.collector.state.SpanEvent.JobEnded;
import io.jobpulse.collector.state.SpanEvent.JobPending;
import io.jobpulse.collector.state.SpanEvent.JobStarted;
import io.jobpulse.collector.state.SpanEvent.RunAttributes;
import io.jobpulse.collector.state.SpanEvent.RunSummary;
import io.jobpulse.collector.state.SpanEvent.WorkerStopped;
import io.jobpulse.collector.store.JobStore;
import io.jobpulse.collector.store.RunTotals;
import io.jobpulse.collector.store.StoreBatch;
import io.jobpulse.contract.ConfigKeys;
import io.jobpulse.contract.Durations;
import io.jobpulse.contract.JobOutcome;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Collections;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * The job and worker state machine (DESIGN.md "Job states and flags").
 *
 * <p>Single writer: every method must be called from the one ingest thread. Each call is one
 * transaction: its changes are staged, written to the store in one batch, and only then applied
 * to the in-memory live state, so a failed write leaves memory and disk agreeing.
 *
 * <p>In memory it keeps only what the detector ticks over: the workers that are alive, the runs
 * that are not over, and those runs indexed by job name and business id. Everything else is read
 * from the store when a span names it.
 *
 * <p>It records the facts flags are judged on and raises the flags that follow from one span
 * alone: {@code DUPLICATE} (a second live run of a job name and business id), the end of a flag's
 * condition (progress clears {@code STALLED}, a start clears {@code PENDING_TOO_LONG}), and
 * reconciliation. Flags that need per-job-name limits or time ({@code STUCK}, {@code STALLED},
 * {@code LOST}, {@code PENDING_TOO_LONG}) are the detector's: it calls {@link #raiseFlag}.
 */
public final class JobStateMachine {

  /** Counter of flags later contradicted by the worker (a late end, a heartbeat listing the run). */
  public static final String FALSE_POSITIVES = "falsePositives";

  /** The window the progress rate is measured over. */
  static final long RATE_WINDOW_MS = 60_000;
  /** Samples closer than this are not kept: a rate window holds about a dozen of them. */
  static final long SAMPLE_SPACING_MS = RATE_WINDOW_MS / 12;

  static final long DEFAULT_INTERVAL_MS = Durations.parse(ConfigKeys.DEFAULT_HEARTBEAT_INTERVAL).toMillis();

  /**
   * The longest a heartbeat-only change to a live run waits to be written to the run's record (see
   * {@link CurrentRuns}). Readers see it at once, and a kill loses none of it: each worker's last
   * heartbeat is written when acknowledged and applied again at start-up.
   */
  public static final long WRITE_BEHIND_MS = 30_000;
  /** The most written-behind runs one transaction adds to its batch. */
  static final int WRITE_BEHIND_PER_COMMIT = 256;

  private static final System.Logger LOG = System.getLogger(JobStateMachine.class.getName());
  /** The history's word for a run's end, by outcome: one copy, shared by every ended run's history. */
  private static final Map<JobOutcome, String> ENDED_DETAILS = endedDetails();

  private final JobStore store;
  private final Clock clock;
  /** The runs that are not over, each with the heartbeat fields received since its last other change. */
  private final Map<String, LiveRun> liveRuns = new HashMap<>();
  /** Live run ids by {@link RunIndexes#businessKey}: how a duplicate is found without a scan. */
  private final Map<String, Set<String>> liveByBusinessKey = new HashMap<>();
  /** Live run ids by worker: what a dead or departing worker leaves behind, without a scan of every live run. */
  private final Map<String, Set<String>> liveByWorker = new HashMap<>();
  private final Map<String, Worker> aliveWorkers = new HashMap<>();
  /**
   * The workers that stopped or died, oldest end first: what {@link #pruneWorkers} looks at, without
   * a scan of the store. An entry may be stale (the worker came back, or ended again later); pruning
   * checks each against the worker itself.
   */
  private final ArrayDeque<Retired> retired = new ArrayDeque<>();
  private final Map<String, RunTotals> runTotals;
  private final List<StateListener> listeners = new CopyOnWriteArrayList<>();
  private final CurrentRuns currentRuns;
  /**
   * The runs {@link CurrentRuns} holds a change of, by when they first held one not written:
   * insertion order is age order, so the runs due to be written are at the head.
   */
  private final LinkedHashMap<String, Long> unwrittenSince = new LinkedHashMap<>();
  private long falsePositives;

  /** Rebuilds the live state from {@code store}. */
  public JobStateMachine(JobStore store, Clock clock) {
    this.store = store;
    this.clock = clock;
    this.currentRuns = new CurrentRuns(store);
    for (JobStatus status : List.of(JobStatus.PENDING, JobStatus.RUNNING)) {
      for (Job job : store.jobsWithStatus(status)) {
        liveRuns.put(job.id(), new LiveRun(job));
        indexLive(job);
      }
    }
    List<Retired> ended = new ArrayList<>();
    for (Worker worker : store.workers()) {
      if (worker.state() == WorkerState.ALIVE) {
        aliveWorkers.put(worker.id(), worker);
      } else {
        ended.add(new Retired(worker.id(), endedAt(worker)));
      }
    }
    ended.sort(Comparator.comparingLong(Retired::endedAt));
    retired.addAll(ended);
    runTotals = new HashMap<>(store.runTotals());
    falsePositives = store.counter(FALSE_POSITIVES);
    replayLastHeartbeats();
  }

  /**
   * After a stop without {@link #writeUnwritten} (a kill), the live runs' last heartbeat fields are
   * in their workers' last heartbeats: each is applied again, as received, to the runs not written
   * since (any later write of a run carried its newest heartbeat fields).
   */
  private void replayLastHeartbeats() {
    Transaction tx = new Transaction();
    for (Worker worker : aliveWorkers.values()) {
      LastHeartbeats.Snapshot last = LastHeartbeats.read(store, worker.id());
      if (last == null) {
        continue;
      }
      Heartbeat heartbeat = new Heartbeat(new WorkerIdentity(worker.id(), worker.service(), worker.pid(), worker.host(),
          worker.agentVersion()), worker.intervalMs(), List.of(), last.runs(), List.of());
      for (ActiveRun active : last.runs()) {
        Job live = live(active.id());
        if (live != null && worker.id().equals(live.worker())
            && (live.lastSeenAt() == null || live.lastSeenAt() < last.receivedAt())) {
          onListedRunning(tx, heartbeat, active.id(), active, last.receivedAt());
        }
      }
    }
    tx.commit();
    writeUnwritten();
  }

  /** Registers a listener told of every committed change (see {@link StateListener}). */
  public void addListener(StateListener listener) {
    listeners.add(listener);
  }

  /** Applies the spans of one request, received at {@code receivedAt} (collector clock). */
  public void apply(List<SpanEvent> events, long receivedAt) {
    applyAll(List.of(new ReceivedSpans(events, receivedAt)));
  }

  /**
   * Applies several requests, in order, as ONE transaction: one store write for all of them (group
   * commit). The outcome is that of applying them one by one. Duplicates are judged after each
   * request, on where that request leaves the runs, because a run may join and leave the live runs
   * of its business id within the group; children counts and attempts only depend on where the
   * group leaves each run and are settled once. Listeners see each run's change across the whole
   * group, except that a flag raised and gone again within it is shown as two changes (to the
   * flagged run, then from it), so that alerts and metrics count it as they would one by one. All
   * or nothing: when this throws, nothing was written and the live state is unchanged.
   */
  public void applyAll(List<ReceivedSpans> requests) {
    Transaction tx = new Transaction();
    tx.prefetch(requests);
    for (ReceivedSpans request : requests) {
      stage(tx, request.events(), request.receivedAt());
      tx.settleDuplicates();
    }
    tx.commit();
  }

  /**
   * Applies one request's events in causal order whatever their order in the request: enqueue
   * before start before progress before end before goodbye. One pass per kind keeps each kind's
   * own order, as a stable sort would, without sorting (this runs for every span).
   */
  private void stage(Transaction tx, List<SpanEvent> events, long receivedAt) {
    for (SpanEvent event : events) {
      if (event instanceof JobPending pending) {
        onJobPending(tx, pending, receivedAt);
      }
    }
    for (SpanEvent event : events) {
      if (event instanceof JobStarted started) {
        onJobStarted(tx, started, receivedAt);
      }
    }
    for (SpanEvent event : events) {
      if (event instanceof Heartbeat heartbeat) {
        onHeartbeat(tx, heartbeat, receivedAt);
      }
    }
    for (SpanEvent event : events) {
      if (event instanceof JobEnded ended) {
        onJobEnded(tx, ended, receivedAt);
      }
    }
    for (SpanEvent event : events) {
      if (event instanceof WorkerStopped stopped) {
        onWorkerStopped(tx, stopped, receivedAt);
      }
    }
  }

  /**
   * Declares a worker dead: it becomes {@link WorkerState#DEAD} and each of its live runs, pending
   * ones included, {@link JobStatus#CRASHED}, flagged with {@code reason} and the latency from
   * {@code evidenceAt}.
   *
   * @return the ids of the runs flagged
   */
  public List<String> declareDead(String workerId, String reason, long evidenceAt) {
    long now = clock.millis();
    Transaction tx = new Transaction();
    Worker worker = tx.worker(workerId);
    if (worker == null || worker.state() != WorkerState.ALIVE) {
      return List.of();
    }
    Flag flag = new Flag(FlagType.CRASHED, reason, now, Math.max(0, now - evidenceAt));
    List<String> flagged = new ArrayList<>();
    for (Job job : liveJobsOf(tx, workerId)) {
      tx.putJob(job, job.toBuilder().status(JobStatus.CRASHED).flag(flag).addHistory(now, "CRASHED", reason).build());
      flagged.add(job.id());
    }
    tx.putWorker(tx.worker(workerId).withState(WorkerState.DEAD, now));
    tx.commit();
    return flagged;
  }

  /**
   * Raises {@code flag} on the live run {@code jobId}. A flag that {@link FlagType#endsRun() ends
   * the run} becomes its status; a live flag is set beside the status unless the run carries a live
   * flag already (a run shows one live flag at a time, the first raised, until its condition ends).
   *
   * @return whether the run changed: {@code false} when it is over or already flagged
   */
  public boolean raiseFlag(String jobId, Flag flag) {
    Job job = live(jobId);
    if (job == null || (flag.type().isLive() && job.flag() != null && job.flag().type().isLive())) {
      return false;
    }
    Job.Builder after = job.toBuilder().flag(flag);
    if (flag.type().endsRun()) {
      JobStatus status = JobStatus.valueOf(flag.type().name());
      after.status(status).addHistory(flag.flaggedAt(), status.name(), flag.reason());
    } else {
      after.addHistory(flag.flaggedAt(), job.status().name(), flag.type() + ": " + flag.reason());
    }
    Transaction tx = new Transaction();
    tx.putJob(job, after.build());
    tx.commit();
    return true;
  }

  /**
   * Resets the runs the collector still believes live (running, possibly flagged {@code STUCK} or
   * {@code STALLED}, or pending) that started more than {@code olderThan} ago: they become
   * {@link JobStatus#ABANDONED} with the flag reason "reset by operator". Runs already over,
   * crashed ones included, are left as they are.
   *
   * @return the ids of the runs reset
   */
  public List<String> resetStuck(Duration olderThan) {
    long now = clock.millis();
    long cutoff = now - olderThan.toMillis();
    Transaction tx = new Transaction();
    List<String> reset = new ArrayList<>();
    Flag flag = new Flag(FlagType.ABANDONED, "reset by operator", now, 0);
    for (Job job : liveJobs()) {
      if (job.sortTime() < cutoff) {
        tx.putJob(job, job.toBuilder().status(JobStatus.ABANDONED).flag(flag)
            .addHistory(now, "ABANDONED", "reset by operator (started more than "
                + Durations.format(olderThan) + " ago)").build());
        reset.add(job.id());
      }
    }
    tx.commit();
    return reset;
  }

  /**
   * Removes from the store up to {@code max} workers that stopped or died before {@code endedBefore}
   * (collector clock), in the order they ended; an alive worker is never removed, and a worker that
   * came back since is not either. Looks at no more than {@code max} candidates, so it costs the same
   * however many workers the store holds.
   *
   * @return the ids of the workers removed
   */
  public List<String> pruneWorkers(long endedBefore, int max) {
    List<Worker> pruned = new ArrayList<>();
    for (int examined = 0; examined < max && !retired.isEmpty() && retired.peekFirst().endedAt() < endedBefore;
        examined++) {
      String id = retired.pollFirst().id();
      if (aliveWorkers.containsKey(id)) {
        continue; // came back: it is queued again when it ends again
      }
      Worker worker = store.worker(id).orElse(null);
      // Ended again since this entry was queued: its newer entry waits further down the queue.
      if (worker != null && worker.state() != WorkerState.ALIVE && endedAt(worker) < endedBefore) {
        pruned.add(worker);
      }
    }
    if (pruned.isEmpty()) {
      return List.of();
    }
    try (StoreBatch batch = store.newBatch()) {
      for (Worker worker : pruned) {
        batch.deleteWorker(worker.id());
        LastHeartbeats.delete(batch, worker.id());
      }
      store.write(batch);
    } catch (RuntimeException e) {
      // Nothing was removed: they are looked at again at the next call.
      for (int i = pruned.size() - 1; i >= 0; i--) {
        retired.addFirst(new Retired(pruned.get(i).id(), endedAt(pruned.get(i))));
      }
      throw e;
    }
    for (StateListener listener : listeners) {
      try {
        listener.workersRemoved(pruned);
      } catch (RuntimeException e) {
        LOG.log(System.Logger.Level.WARNING, "state listener " + listener + " failed", e);
      }
    }
    return pruned.stream().map(Worker::id).toList();
  }

  /** The workers believed alive; a snapshot, safe to iterate while declaring some dead. */
  public List<Worker> aliveWorkers() {
    return List.copyOf(aliveWorkers.values());
  }

  /** The worker {@code id} when it is believed alive, else {@code null}. */
  public Worker aliveWorker(String id) {
    return aliveWorkers.get(id);
  }

  /** The runs as they are now, for readers on any thread. */
  public CurrentRuns currentRuns() {
    return currentRuns;
  }

  /**
   * Writes every heartbeat-only change not written yet: at a graceful stop, so that a restart
   * starts from the runs as they were. Ingest thread only.
   */
  public void writeUnwritten() {
    List<String> ids = new ArrayList<>(unwrittenSince.keySet());
    for (int from = 0; from < ids.size(); from += WRITE_BEHIND_PER_COMMIT) {
      List<Job> due = new ArrayList<>(WRITE_BEHIND_PER_COMMIT);
      for (String id : ids.subList(from, Math.min(ids.size(), from + WRITE_BEHIND_PER_COMMIT))) {
        Job live = live(id);
        if (live != null) {
          due.add(live);
        }
      }
      try (StoreBatch batch = store.newBatch()) {
        due.forEach(job -> batch.putJob(job, job));
        store.write(batch);
      }
      for (Job job : due) {
        unwrittenSince.remove(job.id());
      }
      currentRuns.unwritten = unwrittenSince.size();
    }
  }

  /** The runs that are not over; a snapshot. */
  public List<Job> liveJobs() {
    List<Job> jobs = new ArrayList<>(liveRuns.size());
    for (LiveRun run : liveRuns.values()) {
      jobs.add(run.current());
    }
    return Collections.unmodifiableList(jobs);
  }

  /** The run {@code id} when it is not over, else {@code null}. */
  public Job liveJob(String id) {
    return live(id);
  }

  private Job live(String id) {
    LiveRun run = liveRuns.get(id);
    return run == null ? null : run.current();
  }

  /** How many flags were later contradicted by the worker. */
  public long falsePositives() {
    return falsePositives;
  }

  /** The accumulated short-run totals by job name. */
  public Map<String, RunTotals> runTotals() {
    return Collections.unmodifiableMap(runTotals);
  }

  private void onJobPending(Transaction tx, JobPending event, long now) {
    tx.seen(event.worker(), now);
    RunAttributes run = event.run();
    Job before = tx.job(run.id());
    Job.Builder after;
    if (before == null) {
      after = newRun(run, event.worker(), now).status(JobStatus.PENDING)
          .addHistory(now, "PENDING", "enqueued on worker " + event.worker().instanceId() + ", not started");
    } else {
      // The start (or the end) overtook the enqueue: the run keeps the status they gave it.
      after = mergeAttributes(before.toBuilder(), before, run, event.worker());
    }
    if (before == null || before.status() == JobStatus.PENDING) {
      after.phaseSince(earliest(before, now - event.waitedMs()));
    }
    after.enqueuedAt(event.enqueuedAt()).traceId(event.traceId()).spanId(event.jobSpanId());
    tx.putJob(before, after.build());
  }

  private void onJobStarted(Transaction tx, JobStarted event, long now) {
    tx.seen(event.worker(), now);
    RunAttributes run = event.run();
    Job before = tx.job(run.id());
    Job.Builder after;
    if (before == null) {
      after = newRun(run, event.worker(), now)
          .addHistory(now, "RUNNING", "announced by worker " + event.worker().instanceId());
    } else {
      // A heartbeat may have listed the run first; a late start never reopens a finished run.
      after = mergeAttributes(before.toBuilder(), before, run, event.worker());
      if (!before.status().isTerminal()) {
        after.progressDone(run.progressDone()).lastSeenAt(now);
      }
      if (before.status() == JobStatus.PENDING) {
        start(after, before, now, "started on worker " + event.worker().instanceId());
      }
    }
    after.startedAt(event.startedAt()).traceId(event.traceId()).spanId(event.jobSpanId());
    long startedHere = now - event.ranMs();
    if (before == null || before.status() == JobStatus.PENDING) {
      after.phaseSince(startedHere);
    } else if (before.status() == JobStatus.RUNNING) {
      after.phaseSince(earliest(before, startedHere)); // announced again, or listed by a heartbeat first
    }
    if (run.queueWaitMs() == null && before != null && before.enqueuedAt() != null) {
      after.queueWaitMs(Math.max(0, event.startedAt() - before.enqueuedAt()));
    }
    tx.putJob(before, after.build());
  }

  private void onHeartbeat(Transaction tx, Heartbeat event, long now) {
    String workerId = event.worker().instanceId();
    Worker worker = tx.seen(event.worker(), now).withHeartbeat(now, event.intervalMs());
    if (event.droppedRuns() != null) {
      worker = worker.withDroppedRuns(event.droppedRuns());
    }
    tx.putWorker(worker);
    Map<String, ActiveRun> listed = new LinkedHashMap<>();
    for (String id : event.activeJobIds()) {
      listed.put(id, null);
    }
    for (ActiveRun active : event.activeRuns()) {
      listed.put(active.id(), active);
    }
    List<ActiveRun> heldBack = new ArrayList<>();
    for (Map.Entry<String, ActiveRun> entry : listed.entrySet()) {
      if (onListedRunning(tx, event, entry.getKey(), entry.getValue(), now)) {
        heldBack.add(entry.getValue());
      }
    }
    if (!heldBack.isEmpty()) {
      tx.lastHeartbeats.put(workerId, new LastHeartbeats.Snapshot(now, heldBack));
    }
    Set<String> pending = new HashSet<>(event.pendingJobIds());
    for (String id : event.pendingJobIds()) {
      if (!listed.containsKey(id)) {
        onListedPending(tx, workerId, event.worker().service(), id, now);
      }
    }
    // Runs believed live on this worker that the heartbeat leaves out: evidence of LOST. A run the
    // same request announced is not missing, whatever the heartbeat saw before its announce.
    for (String id : tx.workerJobs(workerId)) {
      if (listed.containsKey(id) || pending.contains(id)) {
        continue;
      }
      Job job = tx.job(id);
      if (job != null && !job.status().isTerminal() && (job.lastSeenAt() == null || job.lastSeenAt() < now)) {
        tx.putJob(job, job.toBuilder().missedHeartbeats(job.missedHeartbeats() + 1).build());
      }
    }
    for (RunSummary summary : event.summaries()) {
      tx.addRunTotals(summary);
      tx.summarized(event.worker(), summary);
    }
  }

  /**
   * A heartbeat lists run {@code id} as running ({@code active} is its event, when sent).
   *
   * @return whether the change moves only the run's heartbeat fields (it is written behind)
   */
  private boolean onListedRunning(Transaction tx, Heartbeat event, String id, ActiveRun active, long now) {
    String workerId = event.worker().instanceId();
    Job before = tx.job(id);
    Job.Builder after;
    // Whether only the heartbeat fields move (last seen, progress, thread, stack): written behind.
    boolean heartbeatFieldsOnly = false;
    if (before == null) {
      after = Job.builder(id, now).worker(workerId).service(event.worker().service()).lastProgressAt(now)
          .addHistory(now, "RUNNING", "listed by a heartbeat of worker " + workerId);
    } else if (!before.status().isTerminal()) {
      after = before.toBuilder();
      heartbeatFieldsOnly = active != null && before.status() == JobStatus.RUNNING && before.missedHeartbeats() == 0;
      if (before.status() == JobStatus.PENDING) {
        start(after, before, now, "listed running by a heartbeat of worker " + workerId);
      }
    } else if (wasFlaggedDead(before)) {
      // The worker lists a run we had declared crashed or lost: we were wrong.
      after = before.toBuilder().status(JobStatus.RUNNING).flaggedThenRecovered(true).lastProgressAt(now)
          .addHistory(now, "RUNNING", "listed again by a heartbeat of worker " + workerId + " after the "
              + before.flag().type() + " flag: a false positive");
      tx.falsePositive();
    } else {
      return false; // a heartbeat sent before the run's end, received after it
    }
    after.lastSeenAt(now).missedHeartbeats(0);
    if (active != null) {
      boolean progressed = before == null || active.progressDone() != before.progressDone() || active.stackMoved();
      if (progressed) {
        after.lastProgressAt(now);
        if (before != null && !before.status().isTerminal() && before.flag() != null
            && before.flag().type() == FlagType.STALLED) {
          heartbeatFieldsOnly = false;
          after.flag(null).addHistory(now, "RUNNING", "STALLED cleared: progress resumed (" + active.progressDone()
              + " items done" + (active.stackMoved() ? ", stack moved" : "") + ")");
        }
      }
      after.progressDone(active.progressDone()).threadName(active.threadName()).threadState(active.threadState());
      if (active.stackTop() != null) {
        after.stackTop(active.stackTop());
      }
      if (active.progressTotal() != null) {
        after.progressTotal(active.progressTotal());
      }
      if (before == null || before.name() == null) {
        heartbeatFieldsOnly = false;
        after.name(active.name());
      }
      sampleProgress(after, before, active.progressDone(), now);
    }
    if (heartbeatFieldsOnly) {
      tx.putHeartbeatFields(before, after.build());
    } else {
      tx.putJob(before, after.build());
    }
    return heartbeatFieldsOnly;
  }

  /** A heartbeat lists run {@code id} as still waiting in a queue. */
  private void onListedPending(Transaction tx, String workerId, String service, String id, long now) {
    Job before = tx.job(id);
    if (before == null) {
      tx.putJob(null, Job.builder(id, now).worker(workerId).service(service).status(JobStatus.PENDING).lastSeenAt(now)
          .addHistory(now, "PENDING", "listed pending by a heartbeat of worker " + workerId).build());
    } else if (!before.status().isTerminal()) {
      tx.putJob(before, before.toBuilder().lastSeenAt(now).missedHeartbeats(0).build());
    }
  }

  /**
   * The earliest estimate of when {@code before}'s current phase began on the collector's clock:
   * every estimate is the receive time of a span less what the worker had measured, so each is
   * late by that span's time in transit, never early. A run first heard of in this phase (from a
   * heartbeat) began no later than that.
   */
  private static long earliest(Job before, long estimate) {
    if (before == null) {
      return estimate;
    }
    long known = before.phaseSince() != null ? before.phaseSince() : before.firstSeenAt();
    return Math.min(known, estimate);
  }

  /** A pending run starts: RUNNING, and a PENDING_TOO_LONG flag's condition is over. */
  private static void start(Job.Builder after, Job before, long now, String detail) {
    after.status(JobStatus.RUNNING).lastProgressAt(now).phaseSince(now).addHistory(now, "RUNNING", detail);
    if (before.flag() != null && before.flag().type() == FlagType.PENDING_TOO_LONG) {
      after.flag(null).addHistory(now, "RUNNING", "PENDING_TOO_LONG cleared: the run started");
    }
  }

  /**
   * Keeps the samples of the last {@link #RATE_WINDOW_MS} (and the newest older one, so the window
   * is covered), adds this one when the last is old enough, and measures the rate against the
   * oldest: items per second over about the last minute.
   */
  private static void sampleProgress(Job.Builder after, Job before, long done, long now) {
    List<ProgressSample> samples = before == null ? List.of() : before.progressSamples();
    int first = 0;
    while (first < samples.size() - 1 && samples.get(first + 1).at() <= now - RATE_WINDOW_MS) {
      first++;
    }
    List<ProgressSample> kept = new ArrayList<>(samples.subList(first, samples.size()));
    if (!kept.isEmpty() && done < kept.get(kept.size() - 1).done()) {
      kept.clear(); // the count went back: what was measured before no longer applies
    }
    if (kept.isEmpty() || now - kept.get(kept.size() - 1).at() >= SAMPLE_SPACING_MS) {
      kept.add(new ProgressSample(now, done));
    }
    ProgressSample oldest = kept.get(0);
    Double rate = now > oldest.at() ? (done - oldest.done()) * 1000.0 / (now - oldest.at()) : null;
    after.progressSamples(kept).ratePerSecond(rate);
  }

  private static Map<JobOutcome, String> endedDetails() {
    Map<JobOutcome, String> details = new EnumMap<>(JobOutcome.class);
    for (JobOutcome outcome : JobOutcome.values()) {
      details.put(outcome, "ended: " + outcome.wireValue());
    }
    return details;
  }

  private void onJobEnded(Transaction tx, JobEnded event, long now) {
    tx.seen(event.worker(), now);
    RunAttributes run = event.run();
    JobStatus endStatus = switch (event.outcome()) {
      case COMPLETED -> JobStatus.COMPLETED;
      case FAILED -> JobStatus.FAILED;
      case ABANDONED -> JobStatus.ABANDONED;
    };
    Job before = tx.job(run.id());
    Job.Builder after;
    String detail = ENDED_DETAILS.get(event.outcome());
    Flag kept = before == null ? null : before.flag();
    if (before == null) {
      after = newRun(run, event.worker(), now);
    } else if (!before.status().isTerminal()) {
      after = mergeAttributes(before.toBuilder(), before, run, event.worker());
      if (kept != null && kept.type().isLive()) {
        // A live flag describes a live run; the history keeps that it was raised.
        after.flag(null).addHistory(now, before.status().name(), kept.type() + " cleared: the run ended");
        kept = null;
      }
    } else if (wasEndedByFlag(before) && endStatus != before.status()) {
      // The worker's own word beats the conclusion that ended the run: the collector's (its worker
      // died or lost it), the operator's (reset-stuck) or the exiting JVM's (abandoned, yet the
      // run got to its end before the process did).
      after = mergeAttributes(before.toBuilder(), before, run, event.worker()).flaggedThenRecovered(true);
      detail += " after the " + before.flag().type() + " flag: a false positive";
      tx.falsePositive();
    } else {
      return; // the same end delivered twice
    }
    after.status(endStatus).startedAt(event.startedAt()).endedAt(event.endedAt())
        .durationMs(Math.max(0, event.endedAt() - event.startedAt())).progressDone(run.progressDone())
        .traceId(event.traceId()).spanId(event.jobSpanId()).lastSeenAt(now).error(event.error())
        .addHistory(now, endStatus.name(), detail);
    if (run.progressTotal() != null) {
      after.progressTotal(run.progressTotal());
    }
    if (endStatus == JobStatus.ABANDONED && kept == null) {
      String reason = event.statusMessage() == null || event.statusMessage().isBlank()
          ? "JVM exited while the job ran" : event.statusMessage();
      after.flag(new Flag(FlagType.ABANDONED, reason, now, 0));
    }
    tx.putJob(before, after.build());
  }

  private void onWorkerStopped(Transaction tx, WorkerStopped event, long now) {
    String workerId = event.worker().instanceId();
    tx.seen(event.worker(), now);
    String reason = "worker " + workerId + " exited gracefully while the run was in progress";
    Flag flag = new Flag(FlagType.ABANDONED, reason, now, 0);
    List<Job> abandoned = new ArrayList<>(liveJobsOf(tx, workerId));
    for (String id : event.abandonedJobIds()) {
      Job job = tx.job(id);
      if (job != null && !job.status().isTerminal() && !abandoned.contains(job)) {
        abandoned.add(job);
      }
    }
    for (Job job : abandoned) {
      tx.putJob(job, job.toBuilder().status(JobStatus.ABANDONED).flag(flag).lastSeenAt(now)
          .addHistory(now, "ABANDONED", reason).build());
    }
    tx.putWorker(tx.worker(workerId).withState(WorkerState.STOPPED, now));
  }

  private static Job.Builder newRun(RunAttributes run, WorkerIdentity worker, long now) {
    return Job.builder(run.id(), now).name(run.name()).businessId(run.businessId()).parentId(run.parentId())
        .attempt(run.attempt()).previousAttemptId(run.previousAttemptId()).queueWaitMs(run.queueWaitMs())
        .service(worker.service()).worker(worker.instanceId()).threadName(run.threadName())
        .progressDone(run.progressDone()).progressTotal(run.progressTotal()).lastSeenAt(now).lastProgressAt(now);
  }

  /**
   * Fills in what a span says about a run; the first worker to report a run keeps it. An attempt
   * number the collector worked out is kept unless the agent knows better (sends one above 1).
   */
  private static Job.Builder mergeAttributes(Job.Builder into, Job before, RunAttributes run, WorkerIdentity worker) {
    into.name(run.name() != null ? run.name() : before.name())
        .businessId(run.businessId() != null ? run.businessId() : before.businessId())
        .parentId(run.parentId() != null ? run.parentId() : before.parentId())
        .attempt(run.attempt() > 1 ? run.attempt() : before.attempt())
        .threadName(run.threadName() != null ? run.threadName() : before.threadName());
    if (run.previousAttemptId() != null) {
      into.previousAttemptId(run.previousAttemptId());
    }
    if (run.queueWaitMs() != null) {
      into.queueWaitMs(run.queueWaitMs());
    }
    if (before.worker() == null) {
      into.worker(worker.instanceId()).service(worker.service());
    }
    if (run.progressTotal() != null) {
      into.progressTotal(run.progressTotal());
    }
    return into;
  }

  /**
   * A run ended by the collector's own conclusion that its worker died or lost it. Only such a run
   * comes back to life when a heartbeat lists it again: an operator's reset is meant to stick while
   * the run hangs on, and an exiting JVM's heartbeats have stopped.
   */
  private static boolean wasFlaggedDead(Job job) {
    return job.flag() != null
        && (job.flag().type() == FlagType.CRASHED || job.flag().type() == FlagType.LOST)
        && job.status().name().equals(job.flag().type().name());
  }

  /** A run ended by a flag ({@code CRASHED}, {@code LOST}, {@code ABANDONED}) rather than by its end span. */
  private static boolean wasEndedByFlag(Job job) {
    return job.flag() != null && job.flag().type().endsRun() && job.status().name().equals(job.flag().type().name());
  }

  /** Whether a new run of the same job name and business id after {@code previous} is a retry of it. */
  private static boolean isRetried(Job previous) {
    return previous.status().isTerminal() && (previous.status() != JobStatus.COMPLETED || previous.flag() != null
        || previous.flaggedThenRecovered());
  }

  /** The (job name, business id) key of a run, {@code null} when either is unknown. */
  private static String businessKey(Job job) {
    return job.name() == null || job.businessId() == null ? null : RunIndexes.businessKey(job.name(), job.businessId());
  }

  private static boolean isLive(Job job) {
    return job != null && !job.status().isTerminal();
  }

  private void indexLive(Job job) {
    index(liveByBusinessKey, businessKey(job), job.id());
    index(liveByWorker, job.worker(), job.id());
  }

  private void unindexLive(Job job) {
    unindex(liveByBusinessKey, businessKey(job), job.id());
    unindex(liveByWorker, job.worker(), job.id());
  }

  private static void index(Map<String, Set<String>> index, String key, String id) {
    if (key != null) {
      index.computeIfAbsent(key, k -> new LinkedHashSet<>()).add(id);
    }
  }

  private static void unindex(Map<String, Set<String>> index, String key, String id) {
    Set<String> ids = key == null ? null : index.get(key);
    if (ids != null && ids.remove(id) && ids.isEmpty()) {
      index.remove(key);
    }
  }

  /** The live runs of {@code workerId} as {@code tx} sees them: costs that worker's runs, not every live run. */
  private List<Job> liveJobsOf(Transaction tx, String workerId) {
    Set<String> ids = new LinkedHashSet<>(liveByWorker.getOrDefault(workerId, Set.of()));
    for (Change staged : tx.changes()) {
      if (workerId.equals(staged.after.worker())) {
        ids.add(staged.after.id());
      }
    }
    List<Job> result = new ArrayList<>(ids.size());
    for (String id : ids) {
      Job current = tx.job(id);
      if (workerId.equals(current.worker()) && !current.status().isTerminal()) {
        result.add(current);
      }
    }
    return result;
  }

  /** When a worker that is not alive stopped or was declared dead (before that was recorded: when it was last seen). */
  private static long endedAt(Worker worker) {
    return worker.stoppedAt() != null ? worker.stoppedAt() : worker.lastSeenAt();
  }

  private record Summarized(WorkerIdentity worker, RunSummary summary) {}

  /** A worker that stopped or died at {@code endedAt}: a candidate for {@link #pruneWorkers} once old enough. */
  private record Retired(String id, long endedAt) {}

  /**
   * A run a transaction changed: as it was before it ({@code null} for a new run; its status, flag
   * and index entries are the stored ones, its heartbeat fields may be newer) and as it leaves it.
   */
  private static final class Change {
    final Job before;
    Job after;
    /** Whether the change moves nothing but heartbeat fields: written behind (see {@link CurrentRuns}). */
    boolean heartbeatFieldsOnly;
    /** The run as duplicates were last judged on it: {@link #before} until the first judgement. */
    Job judged;
    /** Whether the run changed since duplicates were last judged on it (it is in the unjudged list). */
    boolean unjudged;
    /** The run as it was first flagged {@code DUPLICATE} in this transaction, {@code null} if it was not. */
    Job flaggedMidway;

    Change(Job before, Job after) {
      this.before = before;
      this.after = after;
      this.judged = before;
    }
  }

  /**
   * The changes of one call: reads see the staged writes first, then the live state, then the
   * store; {@link #commit} settles what follows from the runs' changes (their parents' children
   * counts, attempts, duplicates), writes one batch and then updates the live state.
   */
  private final class Transaction {
    /** The runs changed, in the order first changed: one map, so a change's two sides cost one lookup. */
    private final Map<String, Change> changes = new LinkedHashMap<>();
    /** The stored runs {@link #prefetch} read, {@code null} for those not stored. */
    private Map<String, Job> stored = Map.of();
    private final Map<String, Worker> workers = new LinkedHashMap<>();
    private final Map<String, Worker> workerOriginals = new HashMap<>();
    private final Map<String, RunTotals> totals = new LinkedHashMap<>();
    private final List<Summarized> summaries = new ArrayList<>();
    private final Map<String, ChildStats> childStats = new LinkedHashMap<>();
    /**
     * The runs of the workers whose runs this transaction started or ended, sorted only once staged
     * (as stored): a tick's short runs start and end within one transaction, and a sorted set paid
     * a search among ids that share their first digits for each of them.
     */
    private final Map<String, Set<String>> workerJobs = new HashMap<>();
    private final Map<String, String> latestRuns = new LinkedHashMap<>();
    /** Each worker's last heartbeat in this transaction that held run changes back. */
    private final Map<String, LastHeartbeats.Snapshot> lastHeartbeats = new HashMap<>();
    /** The runs changed since duplicates were last judged, in the order changed. */
    private final List<Change> unjudged = new ArrayList<>();
    /** This transaction's runs by business key, as they were when last judged or staged: see {@link #liveIds}. */
    private final Map<String, Set<String>> stagedByBusinessKey = new HashMap<>();
    private long newFalsePositives;

    /**
     * Reads at once, before the group is staged, the stored runs of the runs it starts or queues:
     * new run ids, nearly always not found. One multi-get checks a group's filters and blocks
     * together; a lookup per run was a tenth of the ingest thread. Memory is not asked first (a
     * cache miss per id among the live runs cost more than the multi-get), and an end usually
     * finds its run live, or else looks it up on its own. No other thread writes runs, so what is
     * read stays true until this transaction writes.
     */
    void prefetch(List<ReceivedSpans> requests) {
      Set<String> ids = new HashSet<>();
      for (ReceivedSpans request : requests) {
        for (SpanEvent event : request.events()) {
          if (event instanceof JobStarted started) {
            ids.add(started.run().id());
          } else if (event instanceof JobPending pending) {
            ids.add(pending.run().id());
          }
        }
      }
      if (!ids.isEmpty()) {
        stored = store.jobsById(ids);
      }
    }

    Job job(String id) {
      Change staged = changes.get(id);
      if (staged != null) {
        return staged.after;
      }
      Job read = stored.get(id);
      if (read == null && stored.containsKey(id)) {
        // Not stored, so not live either: every live run has been written (memory follows the
        // store, see commit). A new run skips a cache miss among the live runs.
        return null;
      }
      Job live = live(id);
      if (live != null) {
        return live; // the stored version, with the heartbeat fields received since
      }
      return read != null ? read : store.job(id).orElse(null);
    }

    Collection<Change> changes() {
      return changes.values();
    }

    Worker worker(String id) {
      Worker staged = workers.get(id);
      if (staged != null) {
        return staged;
      }
      Worker alive = aliveWorkers.get(id);
      return alive != null ? alive : store.worker(id).orElse(null);
    }

    /** Stages and returns the worker that sent a span received at {@code now}: alive, seen now. */
    Worker seen(WorkerIdentity identity, long now) {
      Worker known = worker(identity.instanceId());
      Worker updated = known == null
          ? Worker.firstSeen(identity, now, DEFAULT_INTERVAL_MS)
          : known.seen(identity, now);
      putWorker(updated);
      return updated;
    }

    void putJob(Job before, Job after) {
      Change staged = changes.get(after.id());
      if (staged == null) {
        staged = new Change(before, after);
        changes.put(after.id(), staged);
      } else {
        staged.after = after; // the run's stored version is the one first staged against
        staged.heartbeatFieldsOnly = false;
      }
      if (!staged.unjudged) {
        staged.unjudged = true;
        unjudged.add(staged);
      }
      String workerId = after.worker();
      if (workerId != null) {
        Set<String> runs = workerJobs.get(workerId);
        if (runs == null) {
          Worker worker = worker(workerId);
          if (worker == null) {
            return;
          }
          runs = new HashSet<>(worker.jobs());
          workerJobs.put(workerId, runs);
        }
        if (after.status().isTerminal()) {
          runs.remove(after.id());
        } else {
          runs.add(after.id());
        }
      }
    }

    /**
     * Stages a change of {@code before}'s heartbeat fields only, written behind unless the run
     * changes otherwise in this transaction too.
     */
    void putHeartbeatFields(Job before, Job after) {
      // Only a run live in memory keeps heartbeat fields there (a RUNNING run always is, but the
      // commit must not depend on it).
      boolean first = !changes.containsKey(after.id()) && liveRuns.containsKey(after.id());
      putJob(before, after);
      if (first) {
        changes.get(after.id()).heartbeatFieldsOnly = true;
      }
    }

    /** The runs {@code workerId} is believed to run, as this transaction leaves them; a copy, in no set order. */
    List<String> workerJobs(String workerId) {
      Set<String> staged = workerJobs.get(workerId);
      if (staged != null) {
        return List.copyOf(staged);
      }
      Worker worker = worker(workerId);
      return worker == null ? List.of() : worker.jobs();
    }

    /**
     * Writes each worker's run list once, as the transaction leaves it: a run that starts and ends
     * within one transaction (most short runs) never copies it.
     */
    private void stageWorkerJobs() {
      workerJobs.forEach((workerId, runs) -> {
        Worker worker = worker(workerId);
        List<String> sorted = sorted(runs);
        if (!worker.jobs().equals(sorted)) {
          putWorker(worker.withJobs(sorted));
        }
      });
    }

    private static List<String> sorted(Set<String> ids) {
      String[] array = ids.toArray(new String[0]);
      Arrays.sort(array);
      return List.of(array);
    }

    void putWorker(Worker worker) {
      if (!workers.containsKey(worker.id())) {
        Worker alive = aliveWorkers.get(worker.id());
        workerOriginals.put(worker.id(), alive != null ? alive : store.worker(worker.id()).orElse(null));
      }
      workers.put(worker.id(), worker);
    }

    /** Remembers a summary for the listeners' {@link StateListener#summarized}. */
    void summarized(WorkerIdentity worker, RunSummary summary) {
      summaries.add(new Summarized(worker, summary));
    }

    void addRunTotals(RunSummary summary) {
      RunTotals current = totals.getOrDefault(summary.name(),
          runTotals.getOrDefault(summary.name(), new RunTotals(summary.name(), 0, 0, 0)));
      totals.put(summary.name(), current.plus(summary.count(), summary.totalMs(), summary.maxMs()));
    }

    void falsePositive() {
      newFalsePositives++;
    }

    /** What follows from the staged runs' changes; may stage more runs (parents, duplicates). */
    private void settle() {
      long now = clock.millis();
      // Each pass sees the runs staged when it began; what it stages is settled by the passes after it.
      for (Change change : List.copyOf(changes.values())) {
        linkAttempt(change.before, change.after);
      }
      for (Change change : List.copyOf(changes.values())) {
        followChild(change.before, change.after, now);
      }
      settleDuplicates();
      for (Change change : changes.values()) {
        Job job = change.after;
        if (job.status().isTerminal() && job.waitingOn() != null) {
          change.after = job.toBuilder().waitingOn(null).build();
        }
      }
    }

    /**
     * A run whose job name and business id just became known is the newest of that pair; when the
     * previous one failed, crashed, was lost, abandoned or flagged, it is that one's next attempt
     * (unless the agent named the attempt it retries).
     */
    private void linkAttempt(Job before, Job after) {
      String key = businessKey(after);
      if (key == null || (before != null && key.equals(businessKey(before)))) {
        return;
      }
      String latestId = latestRuns.containsKey(key) ? latestRuns.get(key)
          : RunIndexes.latestRun(store, after.name(), after.businessId());
      Job previous = latestId == null || latestId.equals(after.id()) ? null : job(latestId);
      // The agent may have numbered the attempt itself (db-scheduler counts its failures) without
      // knowing the earlier run's id: then only the link is added.
      if (previous != null && after.previousAttemptId() == null && isRetried(previous)
          && after.attempt() <= previous.attempt() + 1) {
        after = after.toBuilder().attempt(previous.attempt() + 1).previousAttemptId(previous.id()).build();
        putJob(before, after);
      }
      if (previous == null || after.sortTime() >= previous.sortTime()) {
        latestRuns.put(key, after.id());
      }
    }

    /** Moves a child between its parent's counts; a live parent learns of a child that died. */
    private void followChild(Job before, Job after, long now) {
      String oldParent = before == null ? null : before.parentId();
      JobStatus oldStatus = before == null ? null : before.status();
      String parentId = after.parentId();
      JobStatus status = after.status();
      if (Objects.equals(oldParent, parentId) && oldStatus == status) {
        return;
      }
      if (oldParent != null) {
        childStats.put(oldParent, childStats(oldParent).moved(after.id(), oldStatus, null));
      }
      if (parentId == null) {
        return;
      }
      childStats.put(parentId, childStats(parentId).moved(after.id(), null, status));
      Job parent = job(parentId);
      if (!isLive(parent)) {
        return;
      }
      boolean died = status == JobStatus.CRASHED || status == JobStatus.LOST;
      if (died && parent.waitingOn() == null) {
        putJob(parent, parent.toBuilder().waitingOn(new WaitingOn(after.id(), status))
            .addHistory(now, parent.status().name(), "waiting on child " + after.id() + ", which is " + status).build());
      } else if (!died && parent.waitingOn() != null && parent.waitingOn().childId().equals(after.id())) {
        putJob(parent, parent.toBuilder().waitingOn(null)
            .addHistory(now, parent.status().name(), "child " + after.id() + " is " + status + " again").build());
      }
    }

    /**
     * Judges duplicates on the runs changed since the last judgement, from where that judgement
     * left them to where they are now: called after each request of a group, so that a run that
     * joins and leaves the live runs of its business id within the group is flagged, then cleared,
     * exactly as one by one. Costs the runs changed since, not every run of the transaction.
     */
    void settleDuplicates() {
      if (unjudged.isEmpty()) {
        return;
      }
      long now = clock.millis();
      int count = unjudged.size();
      // Index first: a judgement must see every run of its key this transaction holds.
      for (int i = 0; i < count; i++) {
        Job job = unjudged.get(i).after;
        index(stagedByBusinessKey, businessKey(job), job.id());
      }
      // Runs this pass stages (a duplicate flagged or cleared) are appended and judged by the next one.
      for (int i = 0; i < count; i++) {
        Change change = unjudged.get(i);
        followDuplicates(change.judged, change.after, now);
        change.judged = change.after;
        change.unjudged = false;
      }
      unjudged.subList(0, count).clear();
    }

    /**
     * A run that joins the live runs of its job name and business id while another is live makes
     * the newer of the two {@code DUPLICATE}; a run that leaves them ends the duplicates that named
     * it (or points them at another live run still there).
     */
    private void followDuplicates(Job before, Job after, long now) {
      String key = businessKey(after);
      String oldKey = before == null ? null : businessKey(before);
      boolean joined = key != null && isLive(after) && !(isLive(before) && key.equals(oldKey));
      boolean left = oldKey != null && isLive(before) && !(isLive(after) && oldKey.equals(key));
      if (joined) {
        Job other = newestLiveRun(key, after.id(), null);
        if (other != null) {
          // Ties (both started in the same millisecond) go by id, so that whichever of the two is
          // seen joining, the same one is called the newer: never both flagged, naming each other.
          Job newer = after.sortTime() > other.sortTime()
              || (after.sortTime() == other.sortTime() && after.id().compareTo(other.id()) > 0) ? after : other;
          Job older = newer == after ? other : after;
          if (newer.flag() == null || !newer.flag().type().isLive()) {
            String reason = "another run of " + newer.name() + " for business id " + newer.businessId()
                + " is live: " + older.id() + " on worker " + older.worker();
            long evidenceAt = Math.max(newer.firstSeenAt(), older.firstSeenAt());
            Job flagged = newer.toBuilder()
                .flag(new Flag(FlagType.DUPLICATE, reason, now, Math.max(0, now - evidenceAt)))
                .duplicateOf(older.id()).addHistory(now, newer.status().name(), "DUPLICATE: " + reason).build();
            putJob(newer, flagged);
            Change change = changes.get(flagged.id());
            if (change.flaggedMidway == null) {
              change.flaggedMidway = flagged;
            }
          }
        }
      }
      if (left) {
        Set<String> candidates = liveIds(oldKey);
        for (String id : candidates) {
          Job duplicate = job(id);
          if (!isLive(duplicate) || duplicate.flag() == null || duplicate.flag().type() != FlagType.DUPLICATE
              || !after.id().equals(duplicate.duplicateOf())) {
            continue;
          }
          Job remaining = newestLiveRun(oldKey, duplicate.id(), after.id());
          Job.Builder changed = duplicate.toBuilder();
          if (remaining == null) {
            changed.flag(null).addHistory(now, duplicate.status().name(),
                "DUPLICATE cleared: " + after.id() + " is " + after.status());
          } else {
            changed.duplicateOf(remaining.id());
          }
          putJob(duplicate, changed.build());
        }
      }
    }

    /** The newest live run of {@code key} but {@code exclude}/{@code alsoExclude}, or {@code null}. */
    private Job newestLiveRun(String key, String exclude, String alsoExclude) {
      Job newest = null;
      for (String id : liveIds(key)) {
        if (id.equals(exclude) || id.equals(alsoExclude)) {
          continue;
        }
        Job job = job(id);
        if (isLive(job) && key.equals(businessKey(job)) && (newest == null || job.sortTime() > newest.sortTime())) {
          newest = job;
        }
      }
      return newest;
    }

    /**
     * The ids that may be live runs of {@code key}: the committed index and this transaction's runs
     * indexed so far (every run staged with that key was, before it could matter); callers check
     * each run's key and liveness as the transaction leaves it.
     */
    private Set<String> liveIds(String key) {
      Set<String> ids = new LinkedHashSet<>(liveByBusinessKey.getOrDefault(key, Set.of()));
      ids.addAll(stagedByBusinessKey.getOrDefault(key, Set.of()));
      return ids;
    }

    private ChildStats childStats(String parentId) {
      ChildStats staged = childStats.get(parentId);
      return staged != null ? staged : RunIndexes.childStats(store, parentId);
    }

    /**
     * The runs' changes as listeners see them: one per run, from its stored version to where the
     * transaction leaves it, but two for a run flagged {@code DUPLICATE} midway whose flag is gone
     * again by the end (it joined and left within a group): to the flagged run, then from it.
     */
    private List<StateListener.JobChange> shownChanges() {
      List<StateListener.JobChange> shown = new ArrayList<>(changes.size());
      for (Change change : changes.values()) {
        Job midway = change.flaggedMidway;
        if (midway != null && !Objects.equals(midway.flag(), change.after.flag())) {
          shown.add(new StateListener.JobChange(change.before, midway));
          shown.add(new StateListener.JobChange(midway, change.after));
        } else {
          shown.add(new StateListener.JobChange(change.before, change.after));
        }
      }
      return shown;
    }

    /**
     * The live runs whose heartbeat fields have waited {@link #WRITE_BEHIND_MS} (at most {@link
     * #WRITE_BEHIND_PER_COMMIT}), as they are now. One this transaction changes again is not
     * returned: its change is written instead of held back.
     */
    private List<Job> dueWrittenBehind(long now) {
      List<Job> due = new ArrayList<>();
      int taken = 0;
      Iterator<Map.Entry<String, Long>> entries = unwrittenSince.entrySet().iterator();
      while (entries.hasNext() && taken < WRITE_BEHIND_PER_COMMIT) {
        Map.Entry<String, Long> entry = entries.next();
        if (now - entry.getValue() < WRITE_BEHIND_MS) {
          break; // age order: none after it is due either
        }
        Change staged = changes.get(entry.getKey());
        Job live = live(entry.getKey());
        if (staged != null) {
          staged.heartbeatFieldsOnly = false; // a run listed by every heartbeat must still be written
        } else if (live != null) {
          due.add(live);
        } else {
          entries.remove(); // not live any more: its end was written, and with it everything
          continue;
        }
        taken++;
      }
      return due;
    }

    /** Takes out of {@link CurrentRuns} the runs this transaction writes a real change of. */
    private List<LiveRun> withdrawUnwritten() {
      if (currentRuns.pulsed.isEmpty()) {
        return List.of();
      }
      List<LiveRun> withdrawn = new ArrayList<>();
      for (Change change : changes.values()) {
        // Only a run live before the transaction can have heartbeat fields held.
        if (!change.heartbeatFieldsOnly && change.before != null && !change.before.status().isTerminal()) {
          LiveRun held = currentRuns.pulsed.remove(change.after.id());
          if (held != null) {
            withdrawn.add(held);
          }
        }
      }
      return withdrawn;
    }

    void commit() {
      if (!changes.isEmpty()) {
        settle();
        stageWorkerJobs();
      }
      if (changes.isEmpty() && workers.isEmpty() && totals.isEmpty() && newFalsePositives == 0) {
        return;
      }
      long now = clock.millis();
      List<StateListener.JobChange> jobChanges;
      List<Job> writtenBehind = dueWrittenBehind(now);
      try (StoreBatch batch = store.newBatch()) {
        for (Change change : changes.values()) {
          if (!change.heartbeatFieldsOnly) {
            batch.putJob(change.before, change.after);
          }
        }
        for (Job job : writtenBehind) {
          batch.putJob(job, job); // heartbeat fields only: the record, no index entry moves
        }
        batch.startEncoding(); // the records, on a helper, while the listeners stage theirs
        childStats.forEach((parentId, stats) -> RunIndexes.putChildStats(batch, parentId, stats));
        lastHeartbeats.forEach((workerId, snapshot) -> LastHeartbeats.put(batch, workerId, snapshot));
        latestRuns.forEach((key, runId) -> {
          Job run = changes.get(runId).after;
          RunIndexes.putLatestRun(batch, run.name(), run.businessId(), runId);
        });
        jobChanges = listeners.isEmpty() ? List.of() : shownChanges();
        for (StateListener listener : listeners) {
          for (StateListener.JobChange change : jobChanges) {
            listener.staging(change.before(), change.after(), batch);
          }
          summaries.forEach(s -> listener.summarized(s.worker(), s.summary(), batch));
          listener.beforeWrite(batch);
        }
        workers.values().forEach(batch::putWorker);
        totals.values().forEach(batch::putRunTotals);
        if (newFalsePositives > 0) {
          batch.putCounter(FALSE_POSITIVES, falsePositives + newFalsePositives);
        }
        // Readers must not overlay a run written here with an older version held back: they go
        // without it (and read the stored run, older in its heartbeat fields only) until written.
        List<LiveRun> withdrawn = withdrawUnwritten();
        try {
          store.write(batch);
        } catch (RuntimeException e) {
          withdrawn.forEach(run -> currentRuns.pulsed.put(run.id(), run));
          throw e;
        }
      }
      // Written: now memory may follow. A run written behind keeps its heartbeat fields where
      // they are, now the same as its record's.
      for (Job job : writtenBehind) {
        unwrittenSince.remove(job.id());
      }
      for (Change change : changes.values()) {
        Job job = change.after;
        if (change.heartbeatFieldsOnly) {
          // Status, flag, worker and business key did not move: nor do the live indexes.
          LiveRun run = liveRuns.get(job.id());
          run.pulse(job);
          currentRuns.pulsed.putIfAbsent(job.id(), run);
          unwrittenSince.putIfAbsent(job.id(), now);
          continue;
        }
        Job original = change.before;
        if (original != null) {
          unwrittenSince.remove(job.id());
        }
        boolean wasLive = isLive(original);
        if (wasLive) {
          unindexLive(original);
        }
        if (job.status().isTerminal()) {
          if (wasLive) {
            // Only a run that was live is held (see liveRuns): most runs start and end in one
            // transaction, and a miss among 100,000 live runs is a cache miss for nothing.
            liveRuns.remove(job.id());
          }
        } else {
          LiveRun run = liveRuns.get(job.id());
          if (run == null) {
            liveRuns.put(job.id(), new LiveRun(job));
          } else {
            run.replace(job);
          }
          indexLive(job);
        }
      }
      currentRuns.unwritten = unwrittenSince.size();
      for (Worker worker : workers.values()) {
        if (worker.state() == WorkerState.ALIVE) {
          aliveWorkers.put(worker.id(), worker);
        } else {
          aliveWorkers.remove(worker.id());
          Worker original = workerOriginals.get(worker.id());
          // Queued when it ends, including again (it came back and ended within this transaction).
          if (original == null || original.state() == WorkerState.ALIVE || endedAt(original) != endedAt(worker)) {
            retired.addLast(new Retired(worker.id(), endedAt(worker)));
          }
        }
      }
      runTotals.putAll(totals);
      falsePositives += newFalsePositives;
      if (!listeners.isEmpty()) {
        List<StateListener.WorkerChange> workerChanges = new ArrayList<>(workers.size());
        workers.forEach((id, worker) -> workerChanges.add(new StateListener.WorkerChange(workerOriginals.get(id), worker)));
        for (StateListener listener : listeners) {
          try {
            listener.committed(jobChanges, workerChanges);
          } catch (RuntimeException e) {
            // The change is durable already; a listener's failure must not look like the write's.
            LOG.log(System.Logger.Level.WARNING, "state listener " + listener + " failed", e);
          }
        }
      }
    }
  }
}
