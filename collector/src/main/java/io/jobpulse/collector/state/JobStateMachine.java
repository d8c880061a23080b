package io.jobpulse.collector.state;

import io.jobpulse.collector.state.SpanEvent.ActiveRun;
import io.jobpulse.collector.state.SpanEvent.Heartbeat;
import io.jobpulse.collector.state.SpanEvent.JobEnded;
import io.jobpulse.collector.state.SpanEvent.JobStarted;
import io.jobpulse.collector.state.SpanEvent.RunAttributes;
import io.jobpulse.collector.state.SpanEvent.RunSummary;
import io.jobpulse.collector.state.SpanEvent.WorkerStopped;
import io.jobpulse.collector.store.JobStore;
import io.jobpulse.collector.store.RunTotals;
import io.jobpulse.collector.store.StoreBatch;
import io.jobpulse.contract.ConfigKeys;
import io.jobpulse.contract.Durations;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * The job and worker state machine (DESIGN.md "Job states and flags").
 *
 * <p>Single writer: every method must be called from the one ingest thread. Each call is one
 * transaction: its changes are staged, written to the store in one batch, and only then applied
 * to the in-memory live state, so a failed write leaves memory and disk agreeing.
 *
 * <p>In memory it keeps only what the detector ticks over: the workers that are alive and the runs
 * that are not over. Everything else is read from the store when a span names it.
 */
public final class JobStateMachine {

  /** Counter of flags later contradicted by the worker (a late end, a heartbeat listing the run). */
  public static final String FALSE_POSITIVES = "falsePositives";

  static final long DEFAULT_INTERVAL_MS = Durations.parse(ConfigKeys.DEFAULT_HEARTBEAT_INTERVAL).toMillis();

  /** Start before progress before end before goodbye, whatever the order inside one request. */
  private static final Comparator<SpanEvent> CAUSAL_ORDER = Comparator.comparingInt(event -> {
    if (event instanceof JobStarted) {
      return 0;
    }
    if (event instanceof Heartbeat) {
      return 1;
    }
    if (event instanceof JobEnded) {
      return 2;
    }
    return 3;
  });

  private static final System.Logger LOG = System.getLogger(JobStateMachine.class.getName());

  private final JobStore store;
  private final Clock clock;
  private final Map<String, Job> liveJobs = new HashMap<>();
  private final Map<String, Worker> aliveWorkers = new HashMap<>();
  private final Map<String, RunTotals> runTotals;
  private final List<StateListener> listeners = new CopyOnWriteArrayList<>();
  private long falsePositives;

  /** Rebuilds the live state from {@code store}. */
  public JobStateMachine(JobStore store, Clock clock) {
    this.store = store;
    this.clock = clock;
    for (JobStatus status : List.of(JobStatus.PENDING, JobStatus.RUNNING)) {
      for (Job job : store.jobsWithStatus(status)) {
        liveJobs.put(job.id(), job);
      }
    }
    for (Worker worker : store.workers()) {
      if (worker.state() == WorkerState.ALIVE) {
        aliveWorkers.put(worker.id(), worker);
      }
    }
    runTotals = new HashMap<>(store.runTotals());
    falsePositives = store.counter(FALSE_POSITIVES);
  }

  /** Registers a listener told of every committed change (see {@link StateListener}). */
  public void addListener(StateListener listener) {
    listeners.add(listener);
  }

  /** Applies the spans of one request, received at {@code receivedAt} (collector clock). */
  public void apply(List<SpanEvent> events, long receivedAt) {
    List<SpanEvent> ordered = new ArrayList<>(events);
    ordered.sort(CAUSAL_ORDER);
    Transaction tx = new Transaction();
    for (SpanEvent event : ordered) {
      if (event instanceof JobStarted started) {
        onJobStarted(tx, started, receivedAt);
      } else if (event instanceof Heartbeat heartbeat) {
        onHeartbeat(tx, heartbeat, receivedAt);
      } else if (event instanceof JobEnded ended) {
        onJobEnded(tx, ended, receivedAt);
      } else if (event instanceof WorkerStopped stopped) {
        onWorkerStopped(tx, stopped, receivedAt);
      }
    }
    tx.commit();
  }

  /**
   * Declares a worker dead: it becomes {@link WorkerState#DEAD} and each of its live runs {@link
   * JobStatus#CRASHED}, flagged with {@code reason} and the latency from {@code evidenceAt}.
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
    tx.putWorker(tx.worker(workerId).withState(WorkerState.DEAD, null));
    tx.commit();
    return flagged;
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
    for (Job job : List.copyOf(liveJobs.values())) {
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

  /** The workers believed alive; a snapshot, safe to iterate while declaring some dead. */
  public List<Worker> aliveWorkers() {
    return List.copyOf(aliveWorkers.values());
  }

  /** How many flags were later contradicted by the worker. */
  public long falsePositives() {
    return falsePositives;
  }

  /** The accumulated short-run totals by job name. */
  public Map<String, RunTotals> runTotals() {
    return Collections.unmodifiableMap(runTotals);
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
    }
    after.startedAt(event.startedAt()).traceId(event.traceId()).spanId(event.jobSpanId());
    tx.putJob(before, after.build());
  }

  private void onHeartbeat(Transaction tx, Heartbeat event, long now) {
    String workerId = event.worker().instanceId();
    tx.putWorker(tx.seen(event.worker(), now).withHeartbeat(now, event.intervalMs()));
    Map<String, ActiveRun> listed = new LinkedHashMap<>();
    for (String id : event.activeJobIds()) {
      listed.put(id, null);
    }
    for (ActiveRun active : event.activeRuns()) {
      listed.put(active.id(), active);
    }
    for (Map.Entry<String, ActiveRun> entry : listed.entrySet()) {
      String id = entry.getKey();
      ActiveRun active = entry.getValue();
      Job before = tx.job(id);
      Job.Builder after;
      if (before == null) {
        after = Job.builder(id, now).worker(workerId).service(event.worker().service())
            .addHistory(now, "RUNNING", "listed by a heartbeat of worker " + workerId);
      } else if (!before.status().isTerminal()) {
        after = before.toBuilder();
      } else if (wasFlaggedDead(before)) {
        // The worker lists a run we had declared crashed or lost: we were wrong.
        after = before.toBuilder().status(JobStatus.RUNNING).flaggedThenRecovered(true)
            .addHistory(now, "RUNNING", "listed again by a heartbeat of worker " + workerId + " after the "
                + before.flag().type() + " flag: a false positive");
        tx.falsePositive();
      } else {
        continue; // a heartbeat sent before the run's end, received after it
      }
      after.lastSeenAt(now);
      if (active != null) {
        after.progressDone(active.progressDone()).threadName(active.threadName()).threadState(active.threadState());
        if (active.progressTotal() != null) {
          after.progressTotal(active.progressTotal());
        }
        if (before == null || before.name() == null) {
          after.name(active.name());
        }
      }
      tx.putJob(before, after.build());
    }
    for (RunSummary summary : event.summaries()) {
      tx.addRunTotals(summary);
    }
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
    String detail = "ended: " + event.outcome().wireValue();
    if (before == null) {
      after = newRun(run, event.worker(), now);
    } else if (!before.status().isTerminal()) {
      after = mergeAttributes(before.toBuilder(), before, run, event.worker());
    } else if (wasFlaggedDead(before)) {
      after = mergeAttributes(before.toBuilder(), before, run, event.worker()).flaggedThenRecovered(true);
      detail += " after the " + before.flag().type() + " flag: a false positive";
      tx.falsePositive();
    } else {
      return; // the same end delivered twice, or an end after an operator reset
    }
    after.status(endStatus).startedAt(event.startedAt()).endedAt(event.endedAt())
        .durationMs(Math.max(0, event.endedAt() - event.startedAt())).progressDone(run.progressDone())
        .traceId(event.traceId()).spanId(event.jobSpanId()).lastSeenAt(now).error(event.error())
        .addHistory(now, endStatus.name(), detail);
    if (run.progressTotal() != null) {
      after.progressTotal(run.progressTotal());
    }
    if (endStatus == JobStatus.ABANDONED && (before == null || before.flag() == null)) {
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
        .attempt(run.attempt()).service(worker.service()).worker(worker.instanceId()).threadName(run.threadName())
        .progressDone(run.progressDone()).progressTotal(run.progressTotal()).lastSeenAt(now);
  }

  /** Fills in what a span says about a run; the first worker to report a run keeps it. */
  private static Job.Builder mergeAttributes(Job.Builder into, Job before, RunAttributes run, WorkerIdentity worker) {
    into.name(run.name() != null ? run.name() : before.name())
        .businessId(run.businessId() != null ? run.businessId() : before.businessId())
        .parentId(run.parentId() != null ? run.parentId() : before.parentId())
        .attempt(run.attempt())
        .threadName(run.threadName() != null ? run.threadName() : before.threadName());
    if (before.worker() == null) {
      into.worker(worker.instanceId()).service(worker.service());
    }
    if (run.progressTotal() != null) {
      into.progressTotal(run.progressTotal());
    }
    return into;
  }

  /** A run ended by the collector's own conclusion that its worker died, not by the worker. */
  private static boolean wasFlaggedDead(Job job) {
    return job.flag() != null
        && (job.flag().type() == FlagType.CRASHED || job.flag().type() == FlagType.LOST)
        && job.status().name().equals(job.flag().type().name());
  }

  private List<Job> liveJobsOf(Transaction tx, String workerId) {
    List<Job> result = new ArrayList<>();
    for (Job job : liveJobs.values()) {
      Job current = tx.job(job.id());
      if (workerId.equals(current.worker()) && !current.status().isTerminal()) {
        result.add(current);
      }
    }
    for (Job staged : tx.stagedJobs()) {
      if (!liveJobs.containsKey(staged.id()) && workerId.equals(staged.worker()) && !staged.status().isTerminal()) {
        result.add(staged);
      }
    }
    return result;
  }

  /**
   * The changes of one call: reads see the staged writes first, then the live state, then the
   * store; {@link #commit} writes one batch and then updates the live state.
   */
  private final class Transaction {
    private final Map<String, Job> jobs = new LinkedHashMap<>();
    private final Map<String, Job> originals = new HashMap<>();
    private final Map<String, Worker> workers = new LinkedHashMap<>();
    private final Map<String, Worker> workerOriginals = new HashMap<>();
    private final Map<String, RunTotals> totals = new LinkedHashMap<>();
    private long newFalsePositives;

    Job job(String id) {
      Job staged = jobs.get(id);
      if (staged != null) {
        return staged;
      }
      Job live = liveJobs.get(id);
      return live != null ? live : store.job(id).orElse(null);
    }

    Iterable<Job> stagedJobs() {
      return jobs.values();
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
          : known.withIdentity(identity).seenAt(now);
      putWorker(updated);
      return updated;
    }

    void putJob(Job before, Job after) {
      if (!jobs.containsKey(after.id())) {
        originals.put(after.id(), before);
      }
      jobs.put(after.id(), after);
      String workerId = after.worker();
      if (workerId != null) {
        Worker worker = worker(workerId);
        if (worker != null) {
          List<String> current = new ArrayList<>(worker.jobs());
          boolean changed = after.status().isTerminal() ? current.remove(after.id()) : !current.contains(after.id())
              && current.add(after.id());
          if (changed) {
            putWorker(worker.withJobs(current));
          }
        }
      }
    }

    void putWorker(Worker worker) {
      if (!workers.containsKey(worker.id())) {
        Worker alive = aliveWorkers.get(worker.id());
        workerOriginals.put(worker.id(), alive != null ? alive : store.worker(worker.id()).orElse(null));
      }
      workers.put(worker.id(), worker);
    }

    void addRunTotals(RunSummary summary) {
      RunTotals current = totals.getOrDefault(summary.name(),
          runTotals.getOrDefault(summary.name(), new RunTotals(summary.name(), 0, 0, 0)));
      totals.put(summary.name(), current.plus(summary.count(), summary.totalMs(), summary.maxMs()));
    }

    void falsePositive() {
      newFalsePositives++;
    }

    void commit() {
      if (jobs.isEmpty() && workers.isEmpty() && totals.isEmpty() && newFalsePositives == 0) {
        return;
      }
      try (StoreBatch batch = store.newBatch()) {
        jobs.forEach((id, job) -> batch.putJob(originals.get(id), job));
        for (StateListener listener : listeners) {
          jobs.forEach((id, job) -> listener.staging(originals.get(id), job, batch));
        }
        workers.values().forEach(batch::putWorker);
        totals.values().forEach(batch::putRunTotals);
        if (newFalsePositives > 0) {
          batch.putCounter(FALSE_POSITIVES, falsePositives + newFalsePositives);
        }
        store.write(batch);
      }
      // Written: now memory may follow.
      for (Job job : jobs.values()) {
        if (job.status().isTerminal()) {
          liveJobs.remove(job.id());
        } else {
          liveJobs.put(job.id(), job);
        }
      }
      for (Worker worker : workers.values()) {
        if (worker.state() == WorkerState.ALIVE) {
          aliveWorkers.put(worker.id(), worker);
        } else {
          aliveWorkers.remove(worker.id());
        }
      }
      runTotals.putAll(totals);
      falsePositives += newFalsePositives;
      if (!listeners.isEmpty()) {
        List<StateListener.JobChange> jobChanges = new ArrayList<>(jobs.size());
        jobs.forEach((id, job) -> jobChanges.add(new StateListener.JobChange(originals.get(id), job)));
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
