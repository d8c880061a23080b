package io.jobpulse.agent.instrument;

import io.jobpulse.agent.bootstrap.JobPulseBridge;
import net.bytebuddy.asm.Advice;

/**
 * Inlined at every exit of a job method. The job's own exception is only read, never replaced:
 * Byte Buddy rethrows it unchanged after this advice.
 */
final class JobExitAdvice {

  @Advice.OnMethodExit(onThrowable = Throwable.class, suppress = Throwable.class)
  static void exit(@Advice.Enter Object run, @Advice.Thrown Throwable thrown) {
    JobPulseBridge.exit(run, thrown);
  }

  private JobExitAdvice() {}
}
