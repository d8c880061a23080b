package io.jobpulse.agent.instrument.process;

import io.jobpulse.agent.bootstrap.JobPulseBridge;
import net.bytebuddy.asm.Advice;

/**
 * Inlined into {@code ProcessBuilder#start}: a job running on this thread lends its identity to
 * the new process's environment for the start, and takes it back after.
 */
final class ProcessStartAdvice {

  @Advice.OnMethodEnter(suppress = Throwable.class)
  static Object enter(@Advice.This ProcessBuilder builder) {
    return JobPulseBridge.processStarting(builder);
  }

  @Advice.OnMethodExit(onThrowable = Throwable.class, suppress = Throwable.class)
  static void exit(@Advice.Enter Object lent) {
    JobPulseBridge.processStarted(lent);
  }

  private ProcessStartAdvice() {}
}
