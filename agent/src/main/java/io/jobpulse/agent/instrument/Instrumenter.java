package io.jobpulse.agent.instrument;

import static net.bytebuddy.matcher.ElementMatchers.isSynthetic;
import static net.bytebuddy.matcher.ElementMatchers.nameStartsWith;

import io.jobpulse.agent.log.AgentLog;
import io.jobpulse.contract.JobMatcher;
import java.lang.instrument.Instrumentation;
import java.util.List;
import net.bytebuddy.agent.builder.AgentBuilder;
import net.bytebuddy.description.type.TypeDescription;
import net.bytebuddy.dynamic.loading.ClassInjector;
import net.bytebuddy.matcher.ElementMatcher;
import net.bytebuddy.utility.JavaModule;

/** Installs the job and item advice for the configured matchers. */
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

  public void install(Instrumentation instrumentation) {
    if (jobs.isEmpty() && items.isEmpty()) {
      return;
    }
    // Advice is inlined: the agent never injects classes, so Byte Buddy need not reach for
    // sun.misc.Unsafe, which recent JDKs warn about on the application's stderr. The property
    // name is relocated with Byte Buddy, so an application's own Byte Buddy is unaffected.
    if (System.getProperty(ClassInjector.UsingUnsafe.SAFE_PROPERTY) == null) {
      System.setProperty(ClassInjector.UsingUnsafe.SAFE_PROPERTY, "true");
    }
    JobTransformer transformer = new JobTransformer(jobs, items, sites);
    new AgentBuilder.Default()
        .disableClassFormatChanges()
        .with(AgentBuilder.RedefinitionStrategy.RETRANSFORMATION)
        .with(new ErrorListener())
        .ignore(ignored())
        .type(transformer)
        .transform(transformer)
        .installOn(instrumentation);
    Presets.logAtStart(jobs, ClassLoader.getSystemClassLoader());
  }

  /** A class that cannot be instrumented is left as it is, counted and logged once. */
  private static final class ErrorListener extends AgentBuilder.Listener.Adapter {
    @Override
    public void onError(String typeName, ClassLoader classLoader, JavaModule module, boolean loaded, Throwable throwable) {
      AgentLog.failure("instrumentation", new IllegalStateException("cannot instrument " + typeName + ": " + throwable, throwable));
    }
  }
}
