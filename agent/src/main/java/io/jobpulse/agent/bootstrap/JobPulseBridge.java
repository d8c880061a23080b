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

  public static void taskSubmitting(Object task) {
    Dispatcher d = dispatcher;
    if (d != null) {
      d.taskSubmitting(task);
    }
  }

  public static void taskQueued(Object task) {
    Dispatcher d = dispatcher;
    if (d != null && task != null) {
      d.taskQueued(task);
    }
  }

  public static Object taskStart(Object task) {
    Dispatcher d = dispatcher;
    return d == null || task == null ? null : d.taskStart(task);
  }

  public static void taskEnd(Object run, Object task, Throwable thrown) {
    Dispatcher d = dispatcher;
    if (d != null && run != null) {
      d.taskEnd(run, task, thrown);
    }
  }

  public static void taskDropped(Object task) {
    Dispatcher d = dispatcher;
    if (d != null && task != null) {
      d.taskDropped(task);
    }
  }

  public static Object processStarting(ProcessBuilder builder) {
    Dispatcher d = dispatcher;
    return d == null ? null : d.processStarting(builder);
  }

  public static void processStarted(Object lent) {
    Dispatcher d = dispatcher;
    if (d != null && lent != null) {
      d.processStarted(lent);
    }
  }

  /**
   * Replaces {@code task.run()} in {@code ThreadPoolExecutor.runWorker}: the one place where a
   * worker runs a task, whatever {@code beforeExecute}/{@code afterExecute} a subclass overrides.
   * The task's own exception goes on unchanged.
   */
  public static void runTask(Runnable task) {
    Dispatcher d = dispatcher;
    Object run = d == null || task == null ? null : d.taskStart(task);
    if (run == null) {
      task.run();
      return;
    }
    Throwable thrown = null;
    try {
      task.run();
    } catch (Throwable t) {
      thrown = t;
      throw t;
    } finally {
      d.taskEnd(run, task, thrown);
    }
  }

  private JobPulseBridge() {}
}
