package io.jobpulse.agent;

import io.jobpulse.agent.config.AgentConfig;
import io.jobpulse.agent.log.AgentLog;
import java.lang.instrument.Instrumentation;

/**
 * The {@code -javaagent} entry point. Whatever happens here, the application starts: every
 * failure is logged and swallowed.
 *
 * <p>This class must not refer to the bootstrap bridge's types: they are injected into the
 * bootstrap class loader by {@link BootstrapInjector} first, and only then may {@link Startup}
 * (which uses them) be loaded.
 */
public final class JobPulseAgent {

  public static void premain(String arguments, Instrumentation instrumentation) {
    start(arguments, instrumentation);
  }

  public static void agentmain(String arguments, Instrumentation instrumentation) {
    start(arguments, instrumentation);
  }

  private static void start(String arguments, Instrumentation instrumentation) {
    try {
      AgentConfig config = AgentConfig.load(arguments);
      if (!config.enabled()) {
        return;
      }
      BootstrapInjector.inject(instrumentation);
      Startup.start(config, instrumentation);
    } catch (Throwable t) {
      AgentLog.failure("agent startup (JobPulse is off for this run)", t);
    }
  }

  private JobPulseAgent() {}
}
