package io.jobpulse.agent.instrument;

import io.jobpulse.agent.bootstrap.JobPulseBridge;
import net.bytebuddy.asm.Advice;

/** Inlined at the normal return of an item method: one unit of progress. */
final class ItemAdvice {

  @Advice.OnMethodExit(suppress = Throwable.class)
  static void exit() {
    JobPulseBridge.itemDone();
  }

  private ItemAdvice() {}
}
