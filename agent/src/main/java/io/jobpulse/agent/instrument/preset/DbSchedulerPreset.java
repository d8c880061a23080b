package io.jobpulse.agent.instrument.preset;

import static net.bytebuddy.matcher.ElementMatchers.declaresMethod;
import static net.bytebuddy.matcher.ElementMatchers.hasSuperType;
import static net.bytebuddy.matcher.ElementMatchers.isAbstract;
import static net.bytebuddy.matcher.ElementMatchers.named;
import static net.bytebuddy.matcher.ElementMatchers.not;
import static net.bytebuddy.matcher.ElementMatchers.returns;
import static net.bytebuddy.matcher.ElementMatchers.takesArgument;
import static net.bytebuddy.matcher.ElementMatchers.takesArguments;

import io.jobpulse.contract.ValuePath;
import java.util.List;
import net.bytebuddy.description.method.MethodDescription;
import net.bytebuddy.description.type.TypeDescription;
import net.bytebuddy.matcher.ElementMatcher;

/**
 * {@code preset:db-scheduler} ({@code com.github.kagkarlsson:db-scheduler}): every task's {@code
 * ExecutionHandler.execute(TaskInstance, ExecutionContext)} run is a job. Job name = the task
 * name, business id = the task instance id, attempt = the execution's consecutive failures + 1, so
 * a run that db-scheduler revives after a dead execution (it counts the dead one as a failure) is
 * attempt 2 of the same business id.
 */
public final class DbSchedulerPreset extends LibraryPreset {

  private static final String PACKAGE = "com.github.kagkarlsson.scheduler.task.";
  private static final String EXECUTION_HANDLER = PACKAGE + "ExecutionHandler";
  private static final String TASK_INSTANCE = PACKAGE + "TaskInstance";
  private static final String EXECUTION_CONTEXT = PACKAGE + "ExecutionContext";
  private static final String EXECUTION = PACKAGE + "Execution";

  /** {@code CompletionHandler execute(TaskInstance, ExecutionContext)}: only execution handlers have it. */
  private static final ElementMatcher.Junction<MethodDescription> EXECUTE = named("execute")
      .and(takesArguments(2))
      .and(takesArgument(0, named(TASK_INSTANCE)))
      .and(takesArgument(1, named(EXECUTION_CONTEXT)))
      .and(returns(named(PACKAGE + "CompletionHandler")));

  private static final ValuePath TASK_NAME = ValuePath.parse("arg0.taskName");
  private static final ValuePath INSTANCE_ID = ValuePath.parse("arg0.id");
  private static final ValuePath CONSECUTIVE_FAILURES = ValuePath.parse("arg1.execution.consecutiveFailures");

  public DbSchedulerPreset() {
    super("db-scheduler", EXECUTION_HANDLER, "com.github.kagkarlsson/db-scheduler", List.of(
        Shape.method(EXECUTION_HANDLER, "execute(TaskInstance, ExecutionContext)", EXECUTE),
        Shape.getter(TASK_INSTANCE, "getTaskName"),
        Shape.getter(TASK_INSTANCE, "getId"),
        Shape.getter(EXECUTION_CONTEXT, "getExecution"),
        Shape.field(EXECUTION, "consecutiveFailures")));
  }

  @Override
  public ElementMatcher<TypeDescription> types() {
    return declaresMethod(EXECUTE.and(not(isAbstract()))).and(hasSuperType(named(EXECUTION_HANDLER)));
  }

  @Override
  public ElementMatcher<MethodDescription> methods() {
    return EXECUTE.and(not(isAbstract()));
  }

  @Override
  public RunExtractor extractor() {
    return (arguments, properties) -> {
      Object failures = properties.read(CONSECUTIVE_FAILURES, arguments);
      return RunFacts.builder()
          .jobName(properties.read(TASK_NAME, arguments))
          .businessId(properties.read(INSTANCE_ID, arguments))
          .attempt(failures instanceof Number ? ((Number) failures).longValue() + 1 : 1)
          .build();
    };
  }
}
