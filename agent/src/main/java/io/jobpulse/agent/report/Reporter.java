package io.jobpulse.agent.report;

import io.jobpulse.agent.config.AgentConfig.ShortRuns;
import io.jobpulse.agent.instrument.Site;
import io.jobpulse.agent.instrument.SiteTable;
import io.jobpulse.agent.instrument.preset.RunFacts;
import io.jobpulse.agent.log.AgentLog;
import io.jobpulse.agent.process.ProcessParent;
import io.jobpulse.agent.run.JobRun;
import io.jobpulse.agent.run.RunClock;
import io.jobpulse.agent.run.RunRecorder;
import io.jobpulse.contract.AttributeKeys;
import io.jobpulse.contract.JobOutcome;
import io.jobpulse.contract.SpanNames;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.common.AttributesBuilder;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanBuilder;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Context;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.lang.reflect.Array;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Turns recorded runs into spans, off the application's threads: announces runs that outlive the
 * announce delay (tasks still waiting in a queue as pending), ends their spans, sums up short runs,
 * sends the heartbeat and, at exit, abandons what still runs. When span export recovers after
 * failing, every run in progress is announced again (same ids), so that a collector that lost it
 * learns it again. A run's job span gets the ids the run drew on its own thread ({@link RunIds});
 * its {@code jobpulse.job.id} is {@link JobRun#id()}: the run's start time, then that span id.
 * In a process started by a job, root runs are that job's children. Spans are dated by {@link
 * RunClock}. Wire contract:
 * otel-config/README.md.
 *
 * <p>Threading: {@link #tick} runs on the reporter thread and {@link #stop} on the shutdown hook;
 * the lock (never taken by an application thread) keeps them apart.
 */
final class Reporter {

  static final String ABANDONED_DESCRIPTION = "JVM exited while the job ran";
  static final String NEVER_STARTED_DESCRIPTION = "the task left its executor's queue without running";
  /** The job name of a task that only its submitting job can name (a lambda, a JDK wrapper). */
  static final String TASK_SUFFIX = "/task";

  private static final AttributeKey<String> JOB_ID = AttributeKey.stringKey(AttributeKeys.JOB_ID);
  private static final AttributeKey<String> JOB_NAME = AttributeKey.stringKey(AttributeKeys.JOB_NAME);
  private static final AttributeKey<String> BUSINESS_ID = AttributeKey.stringKey(AttributeKeys.JOB_BUSINESS_ID);
  private static final AttributeKey<String> PARENT_ID = AttributeKey.stringKey(AttributeKeys.JOB_PARENT_ID);
  private static final AttributeKey<Long> ATTEMPT = AttributeKey.longKey(AttributeKeys.JOB_ATTEMPT);
  private static final AttributeKey<String> OUTCOME = AttributeKey.stringKey(AttributeKeys.JOB_OUTCOME);
  private static final AttributeKey<Long> DONE = AttributeKey.longKey(AttributeKeys.PROGRESS_DONE);
  private static final AttributeKey<Long> TOTAL = AttributeKey.longKey(AttributeKeys.PROGRESS_TOTAL);
  private static final AttributeKey<String> THREAD_NAME = AttributeKey.stringKey(AttributeKeys.THREAD_NAME);
  private static final AttributeKey<String> THREAD_STATE = AttributeKey.stringKey(AttributeKeys.THREAD_STATE);
  private static final AttributeKey<Boolean> STACK_MOVED = AttributeKey.booleanKey(AttributeKeys.STACK_MOVED);
  private static final AttributeKey<String> STACK_TOP = AttributeKey.stringKey(AttributeKeys.STACK_TOP);
  private static final AttributeKey<Long> QUEUE_WAIT_MS = AttributeKey.longKey(AttributeKeys.JOB_QUEUE_WAIT_MS);
  private static final AttributeKey<List<String>> PENDING_JOBS = AttributeKey.stringArrayKey(AttributeKeys.HEARTBEAT_PENDING_JOBS);
  private static final AttributeKey<Long> DROPPED_RUNS = AttributeKey.longKey(AttributeKeys.HEARTBEAT_DROPPED_RUNS);
  private static final AttributeKey<Long> DROPPED_SPANS = AttributeKey.longKey(AttributeKeys.HEARTBEAT_DROPPED_SPANS);
  private static final AttributeKey<Long> AGENT_ERRORS = AttributeKey.longKey(AttributeKeys.HEARTBEAT_AGENT_ERRORS);
  private static final AttributeKey<Long> INTERVAL_MS = AttributeKey.longKey(AttributeKeys.HEARTBEAT_INTERVAL_MS);
  private static final AttributeKey<List<String>> ACTIVE_JOBS = AttributeKey.stringArrayKey(AttributeKeys.HEARTBEAT_ACTIVE_JOBS);
  private static final AttributeKey<Long> SUMMARY_COUNT = AttributeKey.longKey(AttributeKeys.SUMMARY_COUNT);
  private static final AttributeKey<Long> SUMMARY_TOTAL_MS = AttributeKey.longKey(AttributeKeys.SUMMARY_TOTAL_MS);
  private static final AttributeKey<Long> SUMMARY_MAX_MS = AttributeKey.longKey(AttributeKeys.SUMMARY_MAX_MS);
  private static final AttributeKey<List<String>> ABANDONED_JOBS = AttributeKey.stringArrayKey(AttributeKeys.WORKER_ABANDONED_JOBS);
  private static final AttributeKey<String> EXCEPTION_TYPE = AttributeKey.stringKey(AttributeKeys.EXCEPTION_TYPE);
  private static final AttributeKey<String> EXCEPTION_MESSAGE = AttributeKey.stringKey(AttributeKeys.EXCEPTION_MESSAGE);
  private static final AttributeKey<String> EXCEPTION_STACKTRACE = AttributeKey.stringKey(AttributeKeys.EXCEPTION_STACKTRACE);

  private final RunRecorder recorder;
  private final SiteTable sites;
  private final Tracer tracer;
  /** The id generator of {@link #tracer}'s SDK: a job span gets the ids its run drew. */
  private final RunIds ids;
  /** The job in another process that started this one, or {@code null}: the parent of root runs. */
  private final ProcessParent processParent;
  private final long announceDelayNanos;
  private final long heartbeatIntervalNanos;
  private final boolean shortRunsAsSpans;
  private final ExportStatus export;
  private final ArgumentReader arguments = new ArgumentReader();
  private final ReentrantLock lock = new ReentrantLock();

  /** Runs in progress, oldest first: parents always before their children. */
  private final List<TrackedRun> tracked = new ArrayList<>();
  private final Map<JobRun, TrackedRun> byRun = new IdentityHashMap<>();
  private final Map<String, Summary> summaries = new LinkedHashMap<>();
  private long nextHeartbeatNanos;
  private boolean firstHeartbeatSent;
  private boolean stopped;

  Reporter(RunRecorder recorder, SiteTable sites, Tracer tracer, RunIds ids, ProcessParent processParent, Duration announceDelay,
      Duration heartbeatInterval, ShortRuns shortRuns, ExportStatus export) {
    this.recorder = recorder;
    this.sites = sites;
    this.tracer = tracer;
    this.ids = ids;
    this.processParent = processParent;
    this.announceDelayNanos = announceDelay.toNanos();
    this.heartbeatIntervalNanos = heartbeatInterval.toNanos();
    this.shortRunsAsSpans = shortRuns == ShortRuns.SPAN;
    this.export = export;
  }

  /** One round of work: takes new runs, ends and announces, sends the heartbeat when due. */
  void tick() {
    lock.lock();
    try {
      if (!stopped) {
        process(System.nanoTime());
      }
    } finally {
      lock.unlock();
    }
  }

  /**
   * The JVM exits: every run still in progress is announced if it was not and ended as abandoned,
   * then the worker says goodbye. Waits at most {@code timeout} for a tick in progress.
   *
   * @return the ids of the abandoned runs
   */
  List<String> stop(Duration timeout) throws InterruptedException {
    if (!lock.tryLock(timeout.toNanos(), TimeUnit.NANOSECONDS)) {
      AgentLog.warnOnce("stop-timeout", "the reporter did not stop in time; running jobs are not reported as abandoned");
      return Collections.emptyList();
    }
    try {
      if (stopped) {
        return Collections.emptyList();
      }
      long now = System.nanoTime();
      process(now);
      List<String> abandoned = new ArrayList<>();
      for (TrackedRun run : tracked) {
        try {
          if (run.run.started()) {
            announce(run, now);
          } else {
            announcePending(run, now);
          }
          run.span.setStatus(StatusCode.ERROR, ABANDONED_DESCRIPTION);
          end(run, JobOutcome.ABANDONED, now);
          abandoned.add(run.id);
        } catch (RuntimeException e) {
          AgentLog.failure("reporting an abandoned job", e);
        }
      }
      tracked.clear();
      byRun.clear();
      if (!summaries.isEmpty()) {
        heartbeat(now);
      }
      tracer.spanBuilder(SpanNames.WORKER_STOP)
          .setNoParent()
          .setStartTimestamp(RunClock.epochNanos(now), TimeUnit.NANOSECONDS)
          .setAttribute(ABANDONED_JOBS, abandoned)
          .startSpan()
          .end(RunClock.epochNanos(now), TimeUnit.NANOSECONDS);
      stopped = true;
      return abandoned;
    } finally {
      lock.unlock();
    }
  }

  private void process(long now) {
    for (JobRun run : recorder.drain()) {
      try {
        track(run);
      } catch (RuntimeException e) {
        AgentLog.failure("tracking a job run", e);
      }
    }
    // Newest first: a child that needs a span of its own (a failure) gets its parent's span
    // created before the parent's own end is decided.
    for (int i = tracked.size() - 1; i >= 0; i--) {
      TrackedRun run = tracked.get(i);
      if (run.run.ended()) {
        try {
          if (run.run.started()) {
            finish(run);
          } else {
            finishNeverStarted(run);
          }
        } catch (RuntimeException e) {
          AgentLog.failure("reporting a job end", e);
        }
        run.finished = true;
        byRun.remove(run.run);
        if (run.parent != null) {
          run.parent.liveChildren--;
        }
      }
    }
    tracked.removeIf(run -> run.finished);
    boolean reannounce = export.takeRecovered();
    // Oldest first: parents are announced before their children.
    for (TrackedRun run : tracked) {
      try {
        if (reannounce) {
          reannounce(run, now);
        }
        if (!run.run.started()) {
          if (!run.pendingAnnounced && now - run.run.queuedNanos() >= announceDelayNanos) {
            announcePending(run, now);
          }
        } else if (!run.announced && (run.pendingAnnounced || now - run.run.startNanos() >= announceDelayNanos)) {
          // A task announced as pending is announced as started at once: it is RUNNING now.
          announce(run, now);
        }
      } catch (RuntimeException e) {
        AgentLog.failure("announcing a job", e);
      }
    }
    if (!firstHeartbeatSent || now - nextHeartbeatNanos >= 0) {
      try {
        heartbeat(now);
      } catch (RuntimeException e) {
        AgentLog.failure("sending a heartbeat", e);
      }
      firstHeartbeatSent = true;
      nextHeartbeatNanos = now + heartbeatIntervalNanos;
    }
  }

  private void track(JobRun run) {
    TrackedRun parent = byRun.get(run.parent());
    Site site = run.isTask() ? sites.register(taskName(run, parent), null, null) : sites.get(run.site());
    if (site == null) {
      throw new IllegalStateException("unknown site " + run.site());
    }
    String businessId = null;
    long total = -1;
    RunFacts facts = null;
    Object[] args = run.takeArguments();
    if (args != null) {
      if (site.extractor() != null) {
        try {
          facts = site.extractor().extract(args, arguments);
        } catch (RuntimeException e) {
          AgentLog.failure("reading " + site.jobName() + "'s run through its preset", e);
        }
      }
      if (site.businessId() != null) {
        Object value = arguments.read(site.businessId(), args);
        businessId = value == null ? null : String.valueOf(value);
      }
      if (site.total() != null) {
        total = asTotal(arguments.read(site.total(), args), site);
      }
    }
    TrackedRun tracked = new TrackedRun(run, site, parent, businessId, total, facts);
    this.tracked.add(tracked);
    byRun.put(run, tracked);
    if (parent != null) {
      parent.liveChildren++;
    }
  }

  /**
   * {@code Class#run} (or {@code #call}, {@code #compute}) of the task's own class; the submitting
   * job's name + {@code /task} when that class names nothing stable (a lambda, whose class name
   * changes from one JVM to the next; an anonymous class) or is the JDK's own wrapper.
   */
  static String taskName(JobRun run, TrackedRun parent) {
    Class<?> type = run.taskType();
    if (type != null && !type.isSynthetic() && !type.isAnonymousClass() && !type.getName().contains("$$Lambda") && type.getClassLoader() != null) {
      return type.getName() + '#' + run.taskMethod();
    }
    return (parent == null ? "unknown" : parent.name) + TASK_SUFFIX;
  }

  private static long asTotal(Object value, Site site) {
    if (value instanceof Number) {
      return ((Number) value).longValue();
    }
    if (value instanceof Collection) {
      return ((Collection<?>) value).size();
    }
    if (value != null && value.getClass().isArray()) {
      return Array.getLength(value);
    }
    if (value != null) {
      AgentLog.warnOnce("total:" + site.jobName(), "the total " + site.total() + " of " + site.jobName() + " is a " + value.getClass().getName() + ", not a number; ignored");
    }
    return -1;
  }

  private void finish(TrackedRun run) {
    Throwable thrown = run.run.thrown();
    if (thrown != null && run.site.extractor() != null) {
      thrown = run.site.extractor().failure(thrown);
    }
    if (run.span == null) {
      // Short is the run's own duration, not "ended before a tick announced it": a reporter that
      // started late (a JVM that exits within a second) or was starved must not turn a run of
      // seconds into a count. A run whose tasks still wait or run elsewhere needs a span: they
      // name it as their parent.
      boolean shortRun = run.run.endNanos() - run.run.startNanos() < announceDelayNanos;
      if (shortRun && thrown == null && !shortRunsAsSpans && run.liveChildren == 0) {
        summaries.computeIfAbsent(run.name, name -> new Summary()).add(run.run.endNanos() - run.run.startNanos());
        return;
      }
      openSpan(run);
    }
    if (run.pendingAnnounced && !run.announced) {
      // It was said to wait: the collector learns it ran before it learns how it ended.
      announce(run, run.run.endNanos());
    }
    if (thrown != null) {
      recordFailure(run, thrown);
    }
    end(run, thrown == null ? JobOutcome.COMPLETED : JobOutcome.FAILED, run.run.endNanos());
  }

  /** Gives the run its span (and its parent one first) and sends {@code jobpulse.job.start}. */
  private void announce(TrackedRun run, long now) {
    if (run.announced) {
      return;
    }
    if (run.parent != null && !run.parent.finished) {
      announce(run.parent, now);
    }
    openSpan(run);
    sendStart(run, now);
    run.announced = true;
  }

  private void sendStart(TrackedRun run, long now) {
    SpanBuilder start = tracer.spanBuilder(SpanNames.JOB_START)
        .setParent(Context.root().with(run.span))
        .setStartTimestamp(RunClock.epochNanos(run.run.startNanos()), TimeUnit.NANOSECONDS);
    runAttributes(start, run);
    start.setAttribute(DONE, run.done());
    if (run.run.isTask()) {
      start.setAttribute(QUEUE_WAIT_MS, queueWaitMillis(run));
    }
    start.startSpan().end(RunClock.epochNanos(now), TimeUnit.NANOSECONDS);
  }

  /**
   * A task still in its queue after the announce delay: its span opens at the enqueue time and
   * {@code jobpulse.job.pending} says it waits.
   */
  private void announcePending(TrackedRun run, long now) {
    if (run.pendingAnnounced) {
      return;
    }
    if (run.parent != null && !run.parent.finished) {
      announce(run.parent, now);
    }
    openSpan(run);
    sendPending(run, now);
    run.pendingAnnounced = true;
  }

  private void sendPending(TrackedRun run, long now) {
    SpanBuilder pending = tracer.spanBuilder(SpanNames.JOB_PENDING)
        .setParent(Context.root().with(run.span))
        .setStartTimestamp(RunClock.epochNanos(run.run.queuedNanos()), TimeUnit.NANOSECONDS);
    runAttributes(pending, run);
    pending.startSpan().end(RunClock.epochNanos(now), TimeUnit.NANOSECONDS);
  }

  /** Export works again after failing: what the collector may have missed is said again. */
  private void reannounce(TrackedRun run, long now) {
    if (run.announced) {
      sendStart(run, now);
    } else if (run.pendingAnnounced && !run.run.started()) {
      sendPending(run, now);
    }
  }

  /** A task that left its queue without running: only a task announced as pending is ended. */
  private void finishNeverStarted(TrackedRun run) {
    if (run.span == null) {
      return;
    }
    run.span.setStatus(StatusCode.ERROR, NEVER_STARTED_DESCRIPTION);
    end(run, JobOutcome.FAILED, run.run.endNanos());
  }

  private static long queueWaitMillis(TrackedRun run) {
    return TimeUnit.NANOSECONDS.toMillis(Math.max(0, run.run.startNanos() - run.run.queuedNanos()));
  }

  private void openSpan(TrackedRun run) {
    if (run.span != null) {
      return;
    }
    // A task's span opens at its enqueue time when it is announced while it still waits.
    long startNanos = run.run.started() ? run.run.startNanos() : run.run.queuedNanos();
    SpanBuilder builder = tracer.spanBuilder(SpanNames.JOB).setStartTimestamp(RunClock.epochNanos(startNanos), TimeUnit.NANOSECONDS);
    if (run.parent != null) {
      openSpan(run.parent);
      builder.setParent(Context.root().with(run.parent.span));
    } else if (processParent != null) {
      builder.setParent(Context.root().with(Span.wrap(processParent.spanContext())));
    } else {
      builder.setNoParent();
    }
    ids.assign(run.run);
    try {
      run.span = builder.startSpan();
    } finally {
      ids.clear();
    }
    run.id = run.run.id(); // what its thread lends a process it starts: same rule, same clock
    run.span.setAttribute(JOB_ID, run.id);
    AttributesBuilder attributes = Attributes.builder();
    runAttributesTo(attributes, run);
    run.span.setAllAttributes(attributes.build());
  }

  private void end(TrackedRun run, JobOutcome outcome, long endNanos) {
    run.span.setAttribute(DONE, run.done());
    if (run.total() >= 0) {
      run.span.setAttribute(TOTAL, run.total()); // a preset's progress may learn the total late
    }
    run.span.setAttribute(OUTCOME, outcome.wireValue());
    if (run.run.isTask() && run.run.started()) {
      run.span.setAttribute(QUEUE_WAIT_MS, queueWaitMillis(run));
      run.span.setAttribute(THREAD_NAME, run.run.thread().getName());
    }
    run.span.end(RunClock.epochNanos(endNanos), TimeUnit.NANOSECONDS);
  }

  private void recordFailure(TrackedRun run, Throwable thrown) {
    String message = safeMessage(thrown);
    run.span.setStatus(StatusCode.ERROR, message == null ? "" : message);
    AttributesBuilder event = Attributes.builder().put(EXCEPTION_TYPE, thrown.getClass().getName());
    if (message != null) {
      event.put(EXCEPTION_MESSAGE, message);
    }
    event.put(EXCEPTION_STACKTRACE, stackTrace(thrown));
    run.span.addEvent(SpanNames.EVENT_EXCEPTION, event.build(), RunClock.epochNanos(run.run.endNanos()), TimeUnit.NANOSECONDS);
  }

  private void heartbeat(long now) {
    List<String> active = new ArrayList<>();
    List<String> pending = new ArrayList<>();
    Span span = tracer.spanBuilder(SpanNames.WORKER_HEARTBEAT)
        .setNoParent()
        .setStartTimestamp(RunClock.epochNanos(now), TimeUnit.NANOSECONDS)
        .setAttribute(INTERVAL_MS, TimeUnit.NANOSECONDS.toMillis(heartbeatIntervalNanos))
        .startSpan();
    for (TrackedRun run : tracked) {
      if (run.run.ended()) {
        continue;
      }
      if (!run.run.started()) {
        if (run.pendingAnnounced) {
          pending.add(run.id);
        }
        continue;
      }
      if (!run.announced) {
        continue;
      }
      active.add(run.id);
      Thread thread = run.run.thread();
      StackTraceElement[] stack = thread.getStackTrace();
      int fingerprint = Arrays.hashCode(stack);
      // Before the first look there is nothing to compare with: give the job the benefit of the doubt.
      boolean moved = run.stackFingerprint == 0 || fingerprint != run.stackFingerprint;
      run.stackFingerprint = fingerprint == 0 ? 1 : fingerprint;
      AttributesBuilder event = Attributes.builder()
          .put(JOB_ID, run.id)
          .put(JOB_NAME, run.name)
          .put(DONE, run.done())
          .put(THREAD_NAME, thread.getName())
          .put(THREAD_STATE, thread.getState().name())
          .put(STACK_MOVED, moved);
      if (stack.length > 0) {
        event.put(STACK_TOP, frame(stack[0]));
      }
      if (run.total() >= 0) {
        event.put(TOTAL, run.total());
      }
      span.addEvent(SpanNames.EVENT_JOB_ACTIVE, event.build(), RunClock.epochNanos(now), TimeUnit.NANOSECONDS);
    }
    for (Map.Entry<String, Summary> entry : summaries.entrySet()) {
      Summary summary = entry.getValue();
      span.addEvent(SpanNames.EVENT_JOB_SUMMARY, Attributes.builder()
          .put(JOB_NAME, entry.getKey())
          .put(SUMMARY_COUNT, summary.count)
          .put(SUMMARY_TOTAL_MS, TimeUnit.NANOSECONDS.toMillis(summary.totalNanos))
          .put(SUMMARY_MAX_MS, TimeUnit.NANOSECONDS.toMillis(summary.maxNanos))
          .build(), RunClock.epochNanos(now), TimeUnit.NANOSECONDS);
    }
    summaries.clear();
    span.setAttribute(ACTIVE_JOBS, active);
    span.setAttribute(PENDING_JOBS, pending);
    span.setAttribute(DROPPED_RUNS, recorder.dropped());
    span.setAttribute(DROPPED_SPANS, export.droppedSpans());
    span.setAttribute(AGENT_ERRORS, AgentLog.failures());
    span.end(RunClock.epochNanos(now), TimeUnit.NANOSECONDS);
  }

  private void runAttributes(SpanBuilder builder, TrackedRun run) {
    AttributesBuilder attributes = Attributes.builder().put(JOB_ID, run.id);
    runAttributesTo(attributes, run);
    builder.setAllAttributes(attributes.build());
  }

  /** {@code Class.method(File.java:42)}: without the module and loader names the JDK adds. */
  static String frame(StackTraceElement element) {
    StringBuilder frame = new StringBuilder(128).append(element.getClassName()).append('.').append(element.getMethodName()).append('(');
    if (element.isNativeMethod()) {
      frame.append("Native Method");
    } else if (element.getFileName() == null) {
      frame.append("Unknown Source");
    } else {
      frame.append(element.getFileName());
      if (element.getLineNumber() >= 0) {
        frame.append(':').append(element.getLineNumber());
      }
    }
    return frame.append(')').toString();
  }

  private void runAttributesTo(AttributesBuilder attributes, TrackedRun run) {
    attributes.put(JOB_NAME, run.name)
        .put(ATTEMPT, run.attempt);
    if (run.run.started()) { // a task still in its queue has no thread yet
      attributes.put(THREAD_NAME, run.run.thread().getName());
    }
    if (run.businessId != null) {
      attributes.put(BUSINESS_ID, run.businessId);
    }
    if (run.parent != null) {
      attributes.put(PARENT_ID, run.parent.id);
    } else if (processParent != null) {
      attributes.put(PARENT_ID, processParent.jobId());
    }
    if (run.total() >= 0) {
      attributes.put(TOTAL, run.total());
    }
  }

  /** The job's exception is the application's object: reading it must not hurt the reporter. */
  private static String safeMessage(Throwable thrown) {
    try {
      return thrown.getMessage();
    } catch (RuntimeException e) {
      return null;
    }
  }

  private static String stackTrace(Throwable thrown) {
    try {
      StringWriter text = new StringWriter();
      thrown.printStackTrace(new PrintWriter(text));
      return text.toString();
    } catch (RuntimeException e) {
      return thrown.getClass().getName();
    }
  }

  /** Short runs of one job name in the current heartbeat interval. */
  private static final class Summary {
    long count;
    long totalNanos;
    long maxNanos;

    void add(long nanos) {
      count++;
      totalNanos += nanos;
      maxNanos = Math.max(maxNanos, nanos);
    }
  }
}
