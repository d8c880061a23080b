package io.jobpulse.agent.instrument.executor;

import static net.bytebuddy.matcher.ElementMatchers.isDeclaredBy;
import static net.bytebuddy.matcher.ElementMatchers.named;
import static net.bytebuddy.matcher.ElementMatchers.namedOneOf;
import static net.bytebuddy.matcher.ElementMatchers.returns;
import static net.bytebuddy.matcher.ElementMatchers.takesArguments;

import io.jobpulse.agent.bootstrap.JobPulseBridge;
import io.jobpulse.agent.instrument.JdkInstrumentation;
import io.jobpulse.contract.JobMatcher;
import java.lang.instrument.Instrumentation;
import java.util.List;
import java.util.concurrent.AbstractExecutorService;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.ForkJoinTask;
import java.util.concurrent.ThreadPoolExecutor;
import net.bytebuddy.agent.builder.AgentBuilder;
import net.bytebuddy.asm.Advice;
import net.bytebuddy.asm.AsmVisitorWrapper;
import net.bytebuddy.asm.MemberSubstitution;

/**
 * {@code preset:executor}: the JDK's {@code ThreadPoolExecutor} and {@code ForkJoinPool}, so that a
 * task a job hands to an executor becomes that job's child run, waiting ({@code PENDING}) until a
 * worker takes it.
 *
 * <p>These classes are the bootstrap loader's, loaded by the time the agent installs this (it names
 * them): they are retransformed in place (no new members), and their advice calls nothing but the
 * bootstrap bridge. The
 * application's task objects are never wrapped or replaced.
 *
 * <p>Where a task is seen: queued in {@code ThreadPoolExecutor#execute} and the ForkJoinPool's
 * internal submission method; named by the object given to {@code submit}/{@code execute};
 * started and ended around the single {@code task.run()} call of {@code
 * ThreadPoolExecutor#runWorker} (replaced by {@link JobPulseBridge#runTask}, so a subclass's
 * {@code beforeExecute}/{@code afterExecute} cannot hide it) and around {@code ForkJoinTask#doExec};
 * dropped when rejected, removed or drained by {@code shutdownNow}. Not covered: {@code
 * ScheduledThreadPoolExecutor}'s own schedule methods (they queue without {@code execute}).
 */
public final class ExecutorInstrumentation implements JdkInstrumentation {

  /** {@code preset:executor}. */
  public static final String PRESET = "executor";
  private static final String AUTO = "auto";

  /** Whether {@code jobs} asks for this preset, itself or through {@code preset:auto}. */
  public static boolean wanted(List<JobMatcher> jobs) {
    for (JobMatcher matcher : jobs) {
      if (matcher.kind() == JobMatcher.Kind.PRESET && (PRESET.equals(matcher.typePattern()) || AUTO.equals(matcher.typePattern()))) {
        return true;
      }
    }
    return false;
  }

  @Override
  public String area() {
    return "executor instrumentation (tasks handed to executors are not tracked)";
  }

  @Override
  public List<Class<?>> types() {
    return List.of(ThreadPoolExecutor.class, AbstractExecutorService.class, ForkJoinPool.class, ForkJoinTask.class);
  }

  @Override
  public AgentBuilder addTo(AgentBuilder builder, Instrumentation instrumentation) throws NoSuchMethodException {
    AsmVisitorWrapper runTask = MemberSubstitution.relaxed()
        .method(named("run").and(takesArguments(0)).and(isDeclaredBy(Runnable.class)))
        .replaceWith(JobPulseBridge.class.getMethod("runTask", Runnable.class))
        .on(named("runWorker"));
    return builder
        .type(named(ThreadPoolExecutor.class.getName()))
        .transform((typeBuilder, type, loader, module, domain) -> typeBuilder
            .visit(Advice.to(QueueAdvice.class).on(named("execute").and(takesArguments(Runnable.class))))
            .visit(Advice.to(RejectAdvice.class).on(named("reject").and(takesArguments(Runnable.class))))
            .visit(Advice.to(RemoveAdvice.class).on(named("remove").and(takesArguments(Runnable.class))))
            .visit(Advice.to(ShutdownNowAdvice.class).on(named("shutdownNow").and(takesArguments(0)).and(returns(List.class))))
            .visit(runTask))
        .assureReadEdgeTo(instrumentation, JobPulseBridge.class)
        .type(named(AbstractExecutorService.class.getName()))
        .transform((typeBuilder, type, loader, module, domain) -> typeBuilder
            .visit(Advice.to(SubmitAdvice.class).on(named("submit"))))
        .assureReadEdgeTo(instrumentation, JobPulseBridge.class)
        .type(named(ForkJoinPool.class.getName()))
        .transform((typeBuilder, type, loader, module, domain) -> typeBuilder
            .visit(Advice.to(SubmitAdvice.class).on(namedOneOf("submit", "execute")))
            .visit(Advice.to(QueueAdvice.class).on(namedOneOf("externalSubmit", "externalPush").and(takesArguments(ForkJoinTask.class))))
            .visit(Advice.to(PoolSubmitAdvice.class).on(named("poolSubmit").and(takesArguments(boolean.class, ForkJoinTask.class)))))
        .assureReadEdgeTo(instrumentation, JobPulseBridge.class)
        .type(named(ForkJoinTask.class.getName()))
        .transform((typeBuilder, type, loader, module, domain) -> typeBuilder
            .visit(Advice.to(ForkJoinExecAdvice.class).on(named("doExec").and(takesArguments(0)))))
        .assureReadEdgeTo(instrumentation, JobPulseBridge.class);
  }

}
