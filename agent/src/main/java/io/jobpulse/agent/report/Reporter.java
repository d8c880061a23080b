package io.jobpulse.agent.report;

import io.jobpulse.agent.config.AgentConfig.ShortRuns;
import io.jobpulse.agent.instrument.Site;
import io.jobpulse.agent.instrument.SiteTable;
import io.jobpulse.agent.log.AgentLog;
import io.jobpulse.agent.run.JobRun;
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
 * announce delay, ends their spans, sums up short runs, sends the heartbeat and, at exit, abandons
 * what still runs. Wire contract: otel-config/README.md.
 *
 * <p>Threading: {@link #tick} runs on the reporter thread and {@link #stop} on the shutdown hook;
 * the lock (never taken by an application thread) keeps them apart.
 */
final class Reporter {

  static final String ABANDONED_DESCRIPTION = "JVM exited while the job ran";

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
  private final long announceDelayNanos;
  private final long heartbeatIntervalNanos;
  private final boolean shortRunsAsSpans;
  private final NanoClock clock = new NanoClock();
  private final ArgumentReader arguments = new ArgumentReader();
  private final ReentrantLock lock = new ReentrantLock();

  /** Runs in progress, oldest first: parents always before their children. */
  private final List<TrackedRun> tracked = new ArrayList<>();
  private final Map<JobRun, TrackedRun> byRun = new IdentityHashMap<>();
  private final Map<String, Summary> summaries = new LinkedHashMap<>();
  private long nextHeartbeatNanos;
  private boolean firstHeartbeatSent;
  private boolean stopped;

  Reporter(RunRecorder recorder, SiteTable sites, Tracer tracer, Duration announceDelay, Duration heartbeatInterval, ShortRuns shortRuns) {
    this.recorder = recorder;
    this.sites = sites;
    this.tracer = tracer;
    this.announceDelayNanos = announceDelay.toNanos();
    this.heartbeatIntervalNanos = heartbeatInterval.toNanos();
    this.shortRunsAsSpans = shortRuns == ShortRuns.SPAN;
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
          announce(run, now);
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
          .setStartTimestamp(clock.epochNanos(now), TimeUnit.NANOSECONDS)
          .setAttribute(ABANDONED_JOBS, abandoned)
          .startSpan()
          .end(clock.epochNanos(now), TimeUnit.NANOSECONDS);
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
          finish(run);
        } catch (RuntimeException e) {
          AgentLog.failure("reporting a job end", e);
        }
        run.finished = true;
        byRun.remove(run.run);
      }
    }
    tracked.removeIf(run -> run.finished);
    // Oldest first: parents are announced before their children.
    for (TrackedRun run : tracked) {
      if (!run.announced && now - run.run.startNanos() >= announceDelayNanos) {
        try {
          announce(run, now);
        } catch (RuntimeException e) {
          AgentLog.failure("announcing a job", e);
        }
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
    Site site = sites.get(run.site());
    if (site == null) {
      throw new IllegalStateException("unknown site " + run.site());
    }
    String businessId = null;
    long total = -1;
    Object[] args = run.takeArguments();
    if (args != null) {
      if (site.businessId() != null) {
        Object value = arguments.read(site.businessId(), args);
        businessId = value == null ? null : String.valueOf(value);
      }
      if (site.total() != null) {
        total = asTotal(arguments.read(site.total(), args), site);
      }
    }
    TrackedRun tracked = new TrackedRun(run, site, byRun.get(run.parent()), businessId, total);
    this.tracked.add(tracked);
    byRun.put(run, tracked);
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
    if (run.span == null) {
      if (thrown == null && !shortRunsAsSpans) {
        summaries.computeIfAbsent(run.site.jobName(), name -> new Summary()).add(run.run.endNanos() - run.run.startNanos());
        return;
      }
      openSpan(run);
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
    SpanBuilder start = tracer.spanBuilder(SpanNames.JOB_START)
        .setParent(Context.root().with(run.span))
        .setStartTimestamp(clock.epochNanos(run.run.startNanos()), TimeUnit.NANOSECONDS);
    runAttributes(start, run);
    start.setAttribute(DONE, run.run.done());
    start.startSpan().end(clock.epochNanos(now), TimeUnit.NANOSECONDS);
    run.announced = true;
  }

  private void openSpan(TrackedRun run) {
    if (run.span != null) {
      return;
    }
    SpanBuilder builder = tracer.spanBuilder(SpanNames.JOB).setStartTimestamp(clock.epochNanos(run.run.startNanos()), TimeUnit.NANOSECONDS);
    if (run.parent == null) {
      builder.setNoParent();
    } else {
      openSpan(run.parent);
      builder.setParent(Context.root().with(run.parent.span));
    }
    run.span = builder.startSpan();
    run.id = run.span.getSpanContext().getSpanId();
    run.span.setAttribute(JOB_ID, run.id);
    AttributesBuilder attributes = Attributes.builder();
    runAttributesTo(attributes, run);
    run.span.setAllAttributes(attributes.build());
  }

  private void end(TrackedRun run, JobOutcome outcome, long endNanos) {
    run.span.setAttribute(DONE, run.run.done());
    run.span.setAttribute(OUTCOME, outcome.wireValue());
    run.span.end(clock.epochNanos(endNanos), TimeUnit.NANOSECONDS);
  }

  private void recordFailure(TrackedRun run, Throwable thrown) {
    String message = safeMessage(thrown);
    run.span.setStatus(StatusCode.ERROR, message == null ? "" : message);
    AttributesBuilder event = Attributes.builder().put(EXCEPTION_TYPE, thrown.getClass().getName());
    if (message != null) {
      event.put(EXCEPTION_MESSAGE, message);
    }
    event.put(EXCEPTION_STACKTRACE, stackTrace(thrown));
    run.span.addEvent(SpanNames.EVENT_EXCEPTION, event.build(), clock.epochNanos(run.run.endNanos()), TimeUnit.NANOSECONDS);
  }

  private void heartbeat(long now) {
    List<String> active = new ArrayList<>();
    Span span = tracer.spanBuilder(SpanNames.WORKER_HEARTBEAT)
        .setNoParent()
        .setStartTimestamp(clock.epochNanos(now), TimeUnit.NANOSECONDS)
        .setAttribute(INTERVAL_MS, TimeUnit.NANOSECONDS.toMillis(heartbeatIntervalNanos))
        .startSpan();
    for (TrackedRun run : tracked) {
      if (!run.announced || run.run.ended()) {
        continue;
      }
      active.add(run.id);
      Thread thread = run.run.thread();
      int fingerprint = Arrays.hashCode(thread.getStackTrace());
      // Before the first look there is nothing to compare with: give the job the benefit of the doubt.
      boolean moved = run.stackFingerprint == 0 || fingerprint != run.stackFingerprint;
      run.stackFingerprint = fingerprint == 0 ? 1 : fingerprint;
      AttributesBuilder event = Attributes.builder()
          .put(JOB_ID, run.id)
          .put(JOB_NAME, run.site.jobName())
          .put(DONE, run.run.done())
          .put(THREAD_NAME, thread.getName())
          .put(THREAD_STATE, thread.getState().name())
          .put(STACK_MOVED, moved);
      if (run.total >= 0) {
        event.put(TOTAL, run.total);
      }
      span.addEvent(SpanNames.EVENT_JOB_ACTIVE, event.build(), clock.epochNanos(now), TimeUnit.NANOSECONDS);
    }
    for (Map.Entry<String, Summary> entry : summaries.entrySet()) {
      Summary summary = entry.getValue();
      span.addEvent(SpanNames.EVENT_JOB_SUMMARY, Attributes.builder()
          .put(JOB_NAME, entry.getKey())
          .put(SUMMARY_COUNT, summary.count)
          .put(SUMMARY_TOTAL_MS, TimeUnit.NANOSECONDS.toMillis(summary.totalNanos))
          .put(SUMMARY_MAX_MS, TimeUnit.NANOSECONDS.toMillis(summary.maxNanos))
          .build(), clock.epochNanos(now), TimeUnit.NANOSECONDS);
    }
    summaries.clear();
    span.setAttribute(ACTIVE_JOBS, active);
    span.end(clock.epochNanos(now), TimeUnit.NANOSECONDS);
  }

  private void runAttributes(SpanBuilder builder, TrackedRun run) {
    AttributesBuilder attributes = Attributes.builder().put(JOB_ID, run.id);
    runAttributesTo(attributes, run);
    builder.setAllAttributes(attributes.build());
  }

  private static void runAttributesTo(AttributesBuilder attributes, TrackedRun run) {
    attributes.put(JOB_NAME, run.site.jobName())
        .put(ATTEMPT, 1L)
        .put(THREAD_NAME, run.run.thread().getName());
    if (run.businessId != null) {
      attributes.put(BUSINESS_ID, run.businessId);
    }
    if (run.parent != null) {
      attributes.put(PARENT_ID, run.parent.id);
    }
    if (run.total >= 0) {
      attributes.put(TOTAL, run.total);
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
