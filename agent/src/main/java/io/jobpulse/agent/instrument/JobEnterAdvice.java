package io.jobpulse.agent.instrument;

import io.jobpulse.agent.bootstrap.JobPulseBridge;
import net.bytebuddy.asm.Advice;

/** Inlined at the entry of a job method whose site extracts nothing from the arguments. */
final class JobEnterAdvice {

  @Advice.OnMethodEnter(suppress = Throwable.class)
  static Object enter(@SiteId int site) {
    return JobPulseBridge.enter(site, null);
  }

  private JobEnterAdvice() {}
}
