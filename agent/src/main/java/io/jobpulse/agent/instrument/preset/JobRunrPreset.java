package io.jobpulse.agent.instrument.preset;

import static net.bytebuddy.matcher.ElementMatchers.declaresMethod;
import static net.bytebuddy.matcher.ElementMatchers.hasSuperType;
import static net.bytebuddy.matcher.ElementMatchers.isAbstract;
import static net.bytebuddy.matcher.ElementMatchers.isStatic;
import static net.bytebuddy.matcher.ElementMatchers.named;
import static net.bytebuddy.matcher.ElementMatchers.not;
import static net.bytebuddy.matcher.ElementMatchers.takesArgument;
import static net.bytebuddy.matcher.ElementMatchers.takesArguments;

import io.jobpulse.contract.ValuePath;
import java.lang.reflect.InvocationTargetException;
import java.util.List;
import net.bytebuddy.description.method.MethodDescription;
import net.bytebuddy.description.type.TypeDescription;
import net.bytebuddy.matcher.ElementMatcher;

/**
 * {@code preset:jobrunr} ({@code org.jobrunr:jobrunr}, 7.x and 8.x): every background job a
 * JobRunr server performs, through its {@code BackgroundJobRunner.run(Job)} SPI, is a job. Job name
 * = the job's display name (its signature unless one was given), business id = JobRunr's job id,
 * attempt = failed states so far + 1, progress = the job's {@code JobDashboardProgressBar} when it
 * uses one.
 */
public final class JobRunrPreset extends LibraryPreset {

  private static final String RUNNER = "org.jobrunr.server.runner.BackgroundJobRunner";
  static final String JOB = "org.jobrunr.jobs.Job";
  static final String PROGRESS_BAR = "org.jobrunr.jobs.context.JobDashboardProgressBar";

  private static final ElementMatcher.Junction<MethodDescription> RUN =
      named("run").and(takesArguments(1)).and(takesArgument(0, named(JOB)));

  private static final ValuePath JOB_NAME = ValuePath.parse("arg0.jobName");
  private static final ValuePath JOB_SIGNATURE = ValuePath.parse("arg0.jobSignature");
  private static final ValuePath JOB_ID = ValuePath.parse("arg0.id");
  private static final ValuePath JOB_STATES = ValuePath.parse("arg0.jobStates");

  public JobRunrPreset() {
    super("jobrunr", RUNNER, "org.jobrunr/jobrunr", List.of(
        Shape.method(RUNNER, "run(Job)", RUN),
        Shape.getter("org.jobrunr.jobs.AbstractJob", "getJobName"),
        Shape.getter("org.jobrunr.jobs.AbstractJob", "getJobSignature"),
        Shape.getter(JOB, "getId"),
        Shape.getter(JOB, "getJobStates"),
        Shape.method(PROGRESS_BAR, "get(Job)", named("get").and(isStatic()).and(takesArguments(1)).and(takesArgument(0, named(JOB)))),
        Shape.getter(PROGRESS_BAR, "getTotalAmount"),
        Shape.getter(PROGRESS_BAR, "getSucceededAmount")));
  }

  @Override
  public ElementMatcher<TypeDescription> types() {
    return declaresMethod(RUN.and(not(isAbstract()))).and(hasSuperType(named(RUNNER)));
  }

  @Override
  public ElementMatcher<MethodDescription> methods() {
    return RUN.and(not(isAbstract()));
  }

  @Override
  public RunExtractor extractor() {
    return new RunExtractor() {
      @Override
      public RunFacts extract(Object[] arguments, PropertyReader properties) {
        Object name = properties.read(JOB_NAME, arguments);
        return RunFacts.builder()
            .jobName(name != null ? name : properties.read(JOB_SIGNATURE, arguments))
            .businessId(properties.read(JOB_ID, arguments))
            .attempt(failedStates(properties.read(JOB_STATES, arguments)) + 1)
            .progress(JobRunrProgress.of(arguments[0]))
            .build();
      }

      /** The runner invokes the job method reflectively; JobRunr itself reports the cause. */
      @Override
      public Throwable failure(Throwable thrown) {
        return thrown instanceof InvocationTargetException && thrown.getCause() != null ? thrown.getCause() : thrown;
      }
    };
  }

  /** A retried job keeps its earlier {@code FailedState}s in its history. */
  private static long failedStates(Object states) {
    if (!(states instanceof List)) {
      return 0;
    }
    // A copy in one step: the job's thread appends states while the reporter reads.
    Object[] copy = ((List<?>) states).toArray();
    long failed = 0;
    for (Object state : copy) {
      if (state != null && state.getClass().getName().equals("org.jobrunr.jobs.states.FailedState")) {
        failed++;
      }
    }
    return failed;
  }
}
