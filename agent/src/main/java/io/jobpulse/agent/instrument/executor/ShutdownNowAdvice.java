package io.jobpulse.agent.instrument.executor;

import io.jobpulse.agent.bootstrap.JobPulseBridge;
import java.util.List;
import net.bytebuddy.asm.Advice;

/** Inlined at the exit of {@code ThreadPoolExecutor#shutdownNow()}: the drained tasks never run. */
final class ShutdownNowAdvice {

  @Advice.OnMethodExit(suppress = Throwable.class)
  static void exit(@Advice.Return List<Runnable> neverRun) {
    for (Runnable task : neverRun) {
      JobPulseBridge.taskDropped(task);
    }
  }

  private ShutdownNowAdvice() {}
}
