package io.jobpulse.agent.instrument.executor;

import io.jobpulse.agent.bootstrap.JobPulseBridge;
import net.bytebuddy.asm.Advice;

/**
 * Inlined at the entry of a method that queues its first argument: {@code
 * ThreadPoolExecutor#execute(Runnable)}, {@code ForkJoinPool#externalSubmit/externalPush} (Java
 * 11–20). Before the task is queued, so that no worker can take it unseen.
 */
final class QueueAdvice {

  @Advice.OnMethodEnter(suppress = Throwable.class)
  static void enter(@Advice.Argument(0) Object task) {
    JobPulseBridge.taskQueued(task);
  }

  private QueueAdvice() {}
}
