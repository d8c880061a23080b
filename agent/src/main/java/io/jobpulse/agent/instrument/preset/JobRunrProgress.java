package io.jobpulse.agent.instrument.preset;

import io.jobpulse.agent.log.AgentLog;
import java.lang.reflect.Method;

/**
 * A JobRunr job's progress bar ({@code JobContext.progressBar(total)}), read on the reporter thread
 * through JobRunr's public {@code JobDashboardProgressBar.get(job)}, which only reads the job's
 * metadata map (a concurrent map). The bar's amounts are boxed {@code Long}s the job's thread
 * replaces: a read may be a little behind, never torn.
 */
final class JobRunrProgress implements RunFacts.Progress {

  /** JobRunr's methods, resolved once per loaded copy of {@code Job}. */
  private static final ClassValue<Method[]> METHODS = new ClassValue<Method[]>() {
    @Override
    protected Method[] computeValue(Class<?> job) {
      try {
        Class<?> bar = Class.forName(JobRunrPreset.PROGRESS_BAR, false, job.getClassLoader());
        return new Method[] {bar.getMethod("get", job), bar.getMethod("getTotalAmount"), bar.getMethod("getSucceededAmount")};
      } catch (ReflectiveOperationException | LinkageError e) {
        AgentLog.warnOnce("jobrunr-progress", "preset:jobrunr cannot read JobRunr's progress bars (" + e + "); progress is not reported");
        return null;
      }
    }
  };

  private final Object job;
  private final Method[] methods;

  private JobRunrProgress(Object job, Method[] methods) {
    this.job = job;
    this.methods = methods;
  }

  /** The progress of {@code job}, or {@code null} when it is no JobRunr job this agent can read. */
  static JobRunrProgress of(Object job) {
    if (job == null || !job.getClass().getName().equals(JobRunrPreset.JOB)) {
      return null;
    }
    Method[] methods = METHODS.get(job.getClass());
    return methods == null ? null : new JobRunrProgress(job, methods);
  }

  @Override
  public long done() {
    return read(2);
  }

  @Override
  public long total() {
    return read(1);
  }

  private long read(int amount) {
    try {
      Object bar = methods[0].invoke(null, job);
      Object value = bar == null ? null : methods[amount].invoke(bar);
      return value instanceof Number ? ((Number) value).longValue() : -1;
    } catch (ReflectiveOperationException | RuntimeException e) {
      AgentLog.failure("reading a JobRunr progress bar", e);
      return -1;
    }
  }
}
