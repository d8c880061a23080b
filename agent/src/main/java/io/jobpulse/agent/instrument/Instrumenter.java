package io.jobpulse.agent.instrument;

import static net.bytebuddy.matcher.ElementMatchers.isSynthetic;
import static net.bytebuddy.matcher.ElementMatchers.nameStartsWith;
import static net.bytebuddy.matcher.ElementMatchers.namedOneOf;
import static net.bytebuddy.matcher.ElementMatchers.not;

import io.jobpulse.agent.log.AgentLog;
import io.jobpulse.contract.JobMatcher;
import java.lang.instrument.Instrumentation;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import net.bytebuddy.agent.builder.AgentBuilder;
import net.bytebuddy.description.type.TypeDescription;
import net.bytebuddy.dynamic.loading.ClassInjector;
import net.bytebuddy.matcher.ElementMatcher;
import net.bytebuddy.utility.JavaModule;

/** Installs the agent's advice: the job and item advice for the configured matchers, and the JDK's. */
public final class Instrumenter {

  private final List<MethodSelector> jobs;
  private final List<MethodSelector> items;
  private final SiteTable sites;

  public Instrumenter(List<JobMatcher> jobMatchers, List<JobMatcher> itemMatchers, SiteTable sites) {
    this.jobs = selectors(jobMatchers);
    this.items = selectors(itemMatchers);
    this.sites = sites;
  }

  /** Selectors of {@code matchers}, presets expanded. */
  static List<MethodSelector> selectors(List<JobMatcher> matchers) {
    return Presets.selectors(matchers);
  }

  /** Classes the agent never touches: the JDK's, its own and its relocated libraries'. */
  static ElementMatcher.Junction<TypeDescription> ignored() {
    return nameStartsWith("java.")
        .or(nameStartsWith("javax."))
        .or(nameStartsWith("jdk."))
        .or(nameStartsWith("sun."))
        .or(nameStartsWith("com.sun."))
        .or(nameStartsWith("io.jobpulse.agent."))
        .or(nameStartsWith("net.bytebuddy."))
        .or(isSynthetic());
  }

  /**
   * Installs the job and item advice and {@code jdk}'s, all with one {@code AgentBuilder}: each
   * builder installed walks every class loaded so far and then sees every class loaded after (a
   * second one cost ~16 ms of start-up on two cores). A {@code jdk} instrumentation that cannot
   * be built is left out, and the others are installed.
   */
  public void install(Instrumentation instrumentation, List<JdkInstrumentation> jdk) {
    // Advice is inlined: the agent never injects classes, so Byte Buddy need not reach for
    // sun.misc.Unsafe, which recent JDKs warn about on the application's stderr. The property
    // name is relocated with Byte Buddy, so an application's own Byte Buddy is unaffected.
    if (System.getProperty(ClassInjector.UsingUnsafe.SAFE_PROPERTY) == null) {
      System.setProperty(ClassInjector.UsingUnsafe.SAFE_PROPERTY, "true");
    }
    AgentBuilder builder = new AgentBuilder.Default()
        .disableClassFormatChanges()
        .with(AgentBuilder.RedefinitionStrategy.RETRANSFORMATION);
    Map<String, String> areas = new HashMap<>(); // JDK class name -> the instrumentation of it
    for (JdkInstrumentation each : jdk) {
      try {
        List<Class<?>> types = each.types();
        builder = each.addTo(builder, instrumentation);
        types.forEach(type -> areas.put(type.getName(), each.area()));
      } catch (Throwable t) {
        AgentLog.failure(each.area(), t);
      }
    }
    boolean methods = !jobs.isEmpty() || !items.isEmpty();
    if (!methods && areas.isEmpty()) {
      return;
    }
    ElementMatcher.Junction<TypeDescription> jdkTypes = namedOneOf(areas.keySet().toArray(new String[0]));
    if (methods) {
      JobTransformer transformer = new JobTransformer(jobs, items, sites);
      builder = builder.type(not(jdkTypes)).and(transformer).transform(transformer);
    }
    builder.ignore(ignored().and(not(jdkTypes)))
        .with(new ErrorListener(Map.copyOf(areas)))
        .installOn(instrumentation);
    Presets.logAtStart(jobs, ClassLoader.getSystemClassLoader());
  }

  /** A class that cannot be instrumented is left as it is, counted and logged once per area. */
  private static final class ErrorListener extends AgentBuilder.Listener.Adapter {

    private final Map<String, String> jdkAreas;

    ErrorListener(Map<String, String> jdkAreas) {
      this.jdkAreas = jdkAreas;
    }

    @Override
    public void onError(String typeName, ClassLoader classLoader, JavaModule module, boolean loaded, Throwable throwable) {
      AgentLog.failure(jdkAreas.getOrDefault(typeName, "instrumentation"),
          new IllegalStateException("cannot instrument " + typeName + ": " + throwable, throwable));
    }
  }
}
