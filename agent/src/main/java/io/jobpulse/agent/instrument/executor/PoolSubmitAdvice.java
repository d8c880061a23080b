package io.jobpulse.agent.instrument.executor;

import io.jobpulse.agent.bootstrap.JobPulseBridge;
import net.bytebuddy.asm.Advice;

/** {@link QueueAdvice} for {@code ForkJoinPool#poolSubmit(boolean, ForkJoinTask)} (Java 21+). */
final class PoolSubmitAdvice {

  @Advice.OnMethodEnter(suppress = Throwable.class)
  static void enter(@Advice.Argument(1) Object task) {
    JobPulseBridge.taskQueued(task);
  }

  private PoolSubmitAdvice() {}
}
