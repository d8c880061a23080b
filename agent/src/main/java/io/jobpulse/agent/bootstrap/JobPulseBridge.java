package io.jobpulse.agent.bootstrap;

/**
 * The one class the inlined advice refers to. Injected into the bootstrap class loader at startup
 * so that it is visible from every class loader; dispatches to the agent's {@link Dispatcher}.
 *
 * <p>Deliberately tiny and dependency-free: it is loaded before the application and must stay
 * valid whatever the application brings.
 */
public final class JobPulseBridge {

  /** Null until the agent installs its dispatcher: the advice is then a no-op. */
  private static volatile Dispatcher dispatcher;

  public static void install(Dispatcher newDispatcher) {
    dispatcher = newDispatcher;
  }

  public static Object enter(int site, Object[] arguments) {
    Dispatcher d = dispatcher;
    return d == null ? null : d.enter(site, arguments);
  }

  public static void exit(Object run, Throwable thrown) {
    Dispatcher d = dispatcher;
    if (d != null && run != null) {
      d.exit(run, thrown);
    }
  }

  public static void itemDone() {
    Dispatcher d = dispatcher;
    if (d != null) {
      d.itemDone();
    }
  }

  private JobPulseBridge() {}
}
