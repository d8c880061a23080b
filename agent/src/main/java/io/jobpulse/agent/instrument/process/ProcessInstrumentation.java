package io.jobpulse.agent.instrument.process;

import static net.bytebuddy.matcher.ElementMatchers.isStatic;
import static net.bytebuddy.matcher.ElementMatchers.named;
import static net.bytebuddy.matcher.ElementMatchers.none;
import static net.bytebuddy.matcher.ElementMatchers.not;

import io.jobpulse.agent.bootstrap.JobPulseBridge;
import io.jobpulse.agent.log.AgentLog;
import java.lang.instrument.Instrumentation;
import net.bytebuddy.agent.builder.AgentBuilder;
import net.bytebuddy.asm.Advice;
import net.bytebuddy.utility.JavaModule;

/**
 * Processes started by a running job are its children: {@code java.lang.ProcessBuilder#start}
 * (which {@code Runtime#exec} and {@code ProcessBuilder#startPipeline} go through) is
 * retransformed in place so that the new process's environment names the job ({@link
 * io.jobpulse.contract.ProcessPropagation}). An agent in that process reads it at start.
 *
 * <p>Both {@code start()} and the private {@code start(Redirect[])} it delegates to (the one
 * {@code startPipeline} calls) carry the advice; the inner one finds the variables already lent
 * and changes nothing.
 */
public final class ProcessInstrumentation {

  public static void install(Instrumentation instrumentation) {
    // Loaded before the transformer is installed, so it is retransformed in place: transforming
    // it while it loads would make Byte Buddy resolve the advice's ProcessBuilder parameter in
    // the middle of that load (a ClassCircularityError).
    Class<?> processBuilder = ProcessBuilder.class;
    new AgentBuilder.Default()
        .disableClassFormatChanges()
        .with(AgentBuilder.RedefinitionStrategy.RETRANSFORMATION)
        .with(new ErrorListener())
        // Only the exact JDK type named below: the default would leave the bootstrap loader alone.
        .ignore(none())
        .type(named(processBuilder.getName()))
        .transform((builder, type, loader, module, domain) -> builder
            .visit(Advice.to(ProcessStartAdvice.class).on(named("start").and(not(isStatic())))))
        .assureReadEdgeTo(instrumentation, JobPulseBridge.class)
        .installOn(instrumentation);
  }

  /** A JDK class that cannot be instrumented is left as it is, logged once. */
  private static final class ErrorListener extends AgentBuilder.Listener.Adapter {
    @Override
    public void onError(String typeName, ClassLoader classLoader, JavaModule module, boolean loaded, Throwable throwable) {
      AgentLog.failure("process instrumentation", new IllegalStateException("cannot instrument " + typeName + ": " + throwable, throwable));
    }
  }

  private ProcessInstrumentation() {}
}
