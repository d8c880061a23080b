package io.jobpulse.agent.instrument;

import static net.bytebuddy.matcher.ElementMatchers.is;

import java.security.ProtectionDomain;
import java.util.ArrayList;
import java.util.List;
import net.bytebuddy.agent.builder.AgentBuilder;
import net.bytebuddy.asm.Advice;
import net.bytebuddy.description.method.MethodDescription;
import net.bytebuddy.description.type.TypeDescription;
import net.bytebuddy.dynamic.DynamicType;
import net.bytebuddy.utility.JavaModule;

/**
 * Decides, per loaded class, which methods are jobs and which are items, and weaves the advice
 * into them. Each job method gets its own site id as a constant, so the hot path looks nothing up.
 */
final class JobTransformer implements AgentBuilder.RawMatcher, AgentBuilder.Transformer {

  private final List<MethodSelector> jobs;
  private final List<MethodSelector> items;
  private final SiteTable sites;
  private final Advice itemAdvice = Advice.to(ItemAdvice.class);

  JobTransformer(List<MethodSelector> jobs, List<MethodSelector> items, SiteTable sites) {
    this.jobs = jobs;
    this.items = items;
    this.sites = sites;
  }

  @Override
  public boolean matches(TypeDescription type, ClassLoader loader, JavaModule module, Class<?> classBeingRedefined, ProtectionDomain protectionDomain) {
    return anyMatches(jobs, type, loader) || anyMatches(items, type, loader);
  }

  @Override
  public DynamicType.Builder<?> transform(DynamicType.Builder<?> builder, TypeDescription type, ClassLoader loader, JavaModule module, ProtectionDomain protectionDomain) {
    List<MethodSelector> typeJobs = matching(jobs, type, loader);
    List<MethodSelector> typeItems = matching(items, type, loader);
    for (MethodDescription.InDefinedShape method : type.getDeclaredMethods()) {
      if (method.isBridge() || method.isSynthetic() || method.isNative()) {
        continue;
      }
      MethodSelector job = first(typeJobs, method);
      if (job != null) {
        Site site = sites.register(type.getName() + '#' + method.getName(), job.matcher().businessId(), job.matcher().total(), job.extractor());
        builder = builder.visit(jobAdvice(site).on(is(method)));
      }
      if (first(typeItems, method) != null) {
        builder = builder.visit(itemAdvice.on(is(method)));
      }
    }
    return builder;
  }

  static Advice jobAdvice(Site site) {
    return Advice.withCustomMapping()
        .bind(SiteId.class, site.id())
        .to(site.needsArguments() ? JobEnterWithArgumentsAdvice.class : JobEnterAdvice.class, JobExitAdvice.class);
  }

  private static boolean anyMatches(List<MethodSelector> selectors, TypeDescription type, ClassLoader loader) {
    for (MethodSelector selector : selectors) {
      if (selector.matchesType(type, loader)) {
        return true;
      }
    }
    return false;
  }

  private static List<MethodSelector> matching(List<MethodSelector> selectors, TypeDescription type, ClassLoader loader) {
    List<MethodSelector> matching = new ArrayList<>(selectors.size());
    for (MethodSelector selector : selectors) {
      if (selector.matchesType(type, loader)) {
        matching.add(selector);
      }
    }
    return matching;
  }

  private static MethodSelector first(List<MethodSelector> selectors, MethodDescription method) {
    for (MethodSelector selector : selectors) {
      if (selector.matchesMethod(method)) {
        return selector;
      }
    }
    return null;
  }
}
