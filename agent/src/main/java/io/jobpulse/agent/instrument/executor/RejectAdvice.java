package io.jobpulse.agent.instrument.executor;

import io.jobpulse.agent.bootstrap.JobPulseBridge;
import net.bytebuddy.asm.Advice;

/**
 * Inlined at the entry of {@code ThreadPoolExecutor#reject(Runnable)}: the task will not run on
 * this executor (a caller-runs policy runs it on the submitting job's own thread, inside that job).
 */
final class RejectAdvice {

  @Advice.OnMethodEnter(suppress = Throwable.class)
  static void enter(@Advice.Argument(0) Object task) {
    JobPulseBridge.taskDropped(task);
  }

  private RejectAdvice() {}
}
