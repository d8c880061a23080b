package io.jobpulse.agent.instrument.executor;

import io.jobpulse.agent.bootstrap.JobPulseBridge;
import net.bytebuddy.asm.Advice;

/**
 * Inlined into an executor's {@code submit}/{@code execute}: the application's own task names the
 * run while the executor wraps it (a FutureTask, a ForkJoinTask adapter) and queues the wrapper.
 */
final class SubmitAdvice {

  @Advice.OnMethodEnter(suppress = Throwable.class)
  static void enter(@Advice.Argument(0) Object task) {
    JobPulseBridge.taskSubmitting(task);
  }

  @Advice.OnMethodExit(onThrowable = Throwable.class, suppress = Throwable.class)
  static void exit() {
    JobPulseBridge.taskSubmitting(null);
  }

  private SubmitAdvice() {}
}
