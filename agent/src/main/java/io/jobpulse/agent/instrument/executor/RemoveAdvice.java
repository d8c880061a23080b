package io.jobpulse.agent.instrument.executor;

import io.jobpulse.agent.bootstrap.JobPulseBridge;
import net.bytebuddy.asm.Advice;

/** Inlined at the exit of {@code ThreadPoolExecutor#remove(Runnable)}: a removed task never runs. */
final class RemoveAdvice {

  @Advice.OnMethodExit(suppress = Throwable.class)
  static void exit(@Advice.Argument(0) Object task, @Advice.Return boolean removed) {
    if (removed) {
      JobPulseBridge.taskDropped(task);
    }
  }

  private RemoveAdvice() {}
}
