package io.jobpulse.agent.instrument;

import java.lang.instrument.Instrumentation;
import java.util.List;
import net.bytebuddy.agent.builder.AgentBuilder;

/**
 * Advice on named JDK classes (executors, process start), added by {@link Instrumenter} to the
 * agent's one {@code AgentBuilder} beside the job advice.
 */
public interface JdkInstrumentation {

  /** What its failures are reported as: the part of the agent, and what the application loses. */
  String area();

  /**
   * The JDK classes it transforms. Naming them loads them now, so that they are retransformed in
   * place: transformed while they load, Byte Buddy would resolve the advice's parameter types in
   * the middle of that load and leave the class as it is.
   */
  List<Class<?>> types();

  /** {@code builder} with the transformations of {@link #types()} added. */
  AgentBuilder addTo(AgentBuilder builder, Instrumentation instrumentation) throws ReflectiveOperationException;
}
