package io.jobpulse.agent.instrument;

import io.jobpulse.agent.bootstrap.JobPulseBridge;
import net.bytebuddy.asm.Advice;

/**
 * Inlined at the entry of a job method whose site takes its business id or total from the
 * arguments: only these methods pay for the argument array.
 */
final class JobEnterWithArgumentsAdvice {

  @Advice.OnMethodEnter(suppress = Throwable.class)
  static Object enter(@SiteId int site, @Advice.AllArguments Object[] arguments) {
    return JobPulseBridge.enter(site, arguments);
  }

  private JobEnterWithArgumentsAdvice() {}
}
