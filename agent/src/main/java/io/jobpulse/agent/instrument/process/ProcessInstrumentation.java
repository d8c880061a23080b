package io.jobpulse.agent.instrument.process;

import static net.bytebuddy.matcher.ElementMatchers.isStatic;
import static net.bytebuddy.matcher.ElementMatchers.named;
import static net.bytebuddy.matcher.ElementMatchers.not;

import io.jobpulse.agent.bootstrap.JobPulseBridge;
import io.jobpulse.agent.instrument.JdkInstrumentation;
import java.lang.instrument.Instrumentation;
import java.util.List;
import net.bytebuddy.agent.builder.AgentBuilder;
import net.bytebuddy.asm.Advice;

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
public final class ProcessInstrumentation implements JdkInstrumentation {

  @Override
  public String area() {
    return "process instrumentation (processes started by jobs do not name their parent job)";
  }

  @Override
  public List<Class<?>> types() {
    // Transformed while it loads, the advice's ProcessBuilder parameter would be resolved in the
    // middle of that load: a ClassCircularityError.
    return List.of(ProcessBuilder.class);
  }

  @Override
  public AgentBuilder addTo(AgentBuilder builder, Instrumentation instrumentation) {
    return builder
        .type(named(ProcessBuilder.class.getName()))
        .transform((typeBuilder, type, loader, module, domain) -> typeBuilder
            .visit(Advice.to(ProcessStartAdvice.class).on(named("start").and(not(isStatic())))))
        .assureReadEdgeTo(instrumentation, JobPulseBridge.class);
  }
}
