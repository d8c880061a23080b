package io.jobpulse.agent.instrument.executor;

import io.jobpulse.agent.bootstrap.JobPulseBridge;
import net.bytebuddy.asm.Advice;

/**
 * Inlined into {@code ForkJoinTask#doExec()}, where every ForkJoinPool task runs (on a worker, or
 * on a thread that helps while it waits). The task keeps its own failure; the dispatcher reads it
 * from the task once done.
 */
final class ForkJoinExecAdvice {

  @Advice.OnMethodEnter(suppress = Throwable.class)
  static Object enter(@Advice.This Object task) {
    return JobPulseBridge.taskStart(task);
  }

  @Advice.OnMethodExit(onThrowable = Throwable.class, suppress = Throwable.class)
  static void exit(@Advice.This Object task, @Advice.Enter Object run, @Advice.Thrown Throwable thrown) {
    JobPulseBridge.taskEnd(run, task, thrown);
  }

  private ForkJoinExecAdvice() {}
}
