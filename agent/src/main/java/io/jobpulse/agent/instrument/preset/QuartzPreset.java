package io.jobpulse.agent.instrument.preset;

import static net.bytebuddy.matcher.ElementMatchers.declaresMethod;
import static net.bytebuddy.matcher.ElementMatchers.hasSuperType;
import static net.bytebuddy.matcher.ElementMatchers.isAbstract;
import static net.bytebuddy.matcher.ElementMatchers.named;
import static net.bytebuddy.matcher.ElementMatchers.not;
import static net.bytebuddy.matcher.ElementMatchers.takesArgument;
import static net.bytebuddy.matcher.ElementMatchers.takesArguments;

import io.jobpulse.contract.ValuePath;
import java.util.List;
import net.bytebuddy.description.method.MethodDescription;
import net.bytebuddy.description.type.TypeDescription;
import net.bytebuddy.matcher.ElementMatcher;

/**
 * {@code preset:quartz} ({@code org.quartz-scheduler:quartz}): every {@code Job.execute} is a job,
 * named {@code Class#execute}, its business id the Quartz job key ({@code group.name}).
 */
public final class QuartzPreset extends LibraryPreset {

  private static final String JOB = "org.quartz.Job";
  private static final String CONTEXT = "org.quartz.JobExecutionContext";
  private static final ElementMatcher.Junction<MethodDescription> EXECUTE =
      named("execute").and(takesArguments(1)).and(takesArgument(0, named(CONTEXT)));
  private static final ValuePath JOB_KEY = ValuePath.parse("arg0.jobDetail.key");

  public QuartzPreset() {
    super("quartz", JOB, "org.quartz-scheduler/quartz", List.of(
        Shape.method(JOB, "execute(JobExecutionContext)", EXECUTE),
        Shape.getter(CONTEXT, "getJobDetail")));
  }

  @Override
  public ElementMatcher<TypeDescription> types() {
    return declaresMethod(EXECUTE.and(not(isAbstract()))).and(hasSuperType(named(JOB)));
  }

  @Override
  public ElementMatcher<MethodDescription> methods() {
    return EXECUTE.and(not(isAbstract()));
  }

  @Override
  public RunExtractor extractor() {
    return (arguments, properties) -> RunFacts.builder().businessId(properties.read(JOB_KEY, arguments)).build();
  }
}
