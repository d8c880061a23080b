package io.jobpulse.agent.instrument.executor;

import static net.bytebuddy.matcher.ElementMatchers.isDeclaredBy;
import static net.bytebuddy.matcher.ElementMatchers.named;
import static net.bytebuddy.matcher.ElementMatchers.namedOneOf;
import static net.bytebuddy.matcher.ElementMatchers.none;
import static net.bytebuddy.matcher.ElementMatchers.returns;
import static net.bytebuddy.matcher.ElementMatchers.takesArguments;

import io.jobpulse.agent.bootstrap.JobPulseBridge;
import io.jobpulse.agent.log.AgentLog;
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
import net.bytebuddy.utility.JavaModule;

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
public final class ExecutorInstrumentation {

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

  public static void install(Instrumentation instrumentation) throws NoSuchMethodException {
    AsmVisitorWrapper runTask = MemberSubstitution.relaxed()
        .method(named("run").and(takesArguments(0)).and(isDeclaredBy(Runnable.class)))
        .replaceWith(JobPulseBridge.class.getMethod("runTask", Runnable.class))
        .on(named("runWorker"));
    new AgentBuilder.Default()
        .disableClassFormatChanges()
        .with(AgentBuilder.RedefinitionStrategy.RETRANSFORMATION)
        .with(new ErrorListener())
        // Only the exact JDK types named below: the default would leave the bootstrap loader alone.
        // Each is named by its class literal, which loads it now if it is not yet, so that it is
        // retransformed in place: transformed while it loads, Byte Buddy would resolve the
        // advice's parameter types (ForkJoinTask for ForkJoinPool) in the middle of that load and
        // leave the class as it is. Nothing guarantees they are loaded before the agent runs.
        .ignore(none())
        .type(named(ThreadPoolExecutor.class.getName()))
        .transform((builder, type, loader, module, domain) -> builder
            .visit(Advice.to(QueueAdvice.class).on(named("execute").and(takesArguments(Runnable.class))))
            .visit(Advice.to(RejectAdvice.class).on(named("reject").and(takesArguments(Runnable.class))))
            .visit(Advice.to(RemoveAdvice.class).on(named("remove").and(takesArguments(Runnable.class))))
            .visit(Advice.to(ShutdownNowAdvice.class).on(named("shutdownNow").and(takesArguments(0)).and(returns(List.class))))
            .visit(runTask))
        .assureReadEdgeTo(instrumentation, JobPulseBridge.class)
        .type(named(AbstractExecutorService.class.getName()))
        .transform((builder, type, loader, module, domain) -> builder
            .visit(Advice.to(SubmitAdvice.class).on(named("submit"))))
        .assureReadEdgeTo(instrumentation, JobPulseBridge.class)
        .type(named(ForkJoinPool.class.getName()))
        .transform((builder, type, loader, module, domain) -> builder
            .visit(Advice.to(SubmitAdvice.class).on(namedOneOf("submit", "execute")))
            .visit(Advice.to(QueueAdvice.class).on(namedOneOf("externalSubmit", "externalPush").and(takesArguments(ForkJoinTask.class))))
            .visit(Advice.to(PoolSubmitAdvice.class).on(named("poolSubmit").and(takesArguments(boolean.class, ForkJoinTask.class)))))
        .assureReadEdgeTo(instrumentation, JobPulseBridge.class)
        .type(named(ForkJoinTask.class.getName()))
        .transform((builder, type, loader, module, domain) -> builder
            .visit(Advice.to(ForkJoinExecAdvice.class).on(named("doExec").and(takesArguments(0)))))
        .assureReadEdgeTo(instrumentation, JobPulseBridge.class)
        .installOn(instrumentation);
  }

  /** A JDK class that cannot be instrumented is left as it is, logged once. */
  private static final class ErrorListener extends AgentBuilder.Listener.Adapter {
    @Override
    public void onError(String typeName, ClassLoader classLoader, JavaModule module, boolean loaded, Throwable throwable) {
      AgentLog.failure("executor instrumentation", new IllegalStateException("cannot instrument " + typeName + ": " + throwable, throwable));
    }
  }

  private ExecutorInstrumentation() {}
}
