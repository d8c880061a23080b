package io.jobpulse.agent.instrument.preset;

import static net.bytebuddy.matcher.ElementMatchers.declaresMethod;
import static net.bytebuddy.matcher.ElementMatchers.isAbstract;
import static net.bytebuddy.matcher.ElementMatchers.isAnnotatedWith;
import static net.bytebuddy.matcher.ElementMatchers.isMethod;
import static net.bytebuddy.matcher.ElementMatchers.named;
import static net.bytebuddy.matcher.ElementMatchers.not;

import java.util.List;
import net.bytebuddy.description.method.MethodDescription;
import net.bytebuddy.description.type.TypeDescription;
import net.bytebuddy.matcher.ElementMatcher;

/**
 * {@code preset:spring-scheduled} ({@code org.springframework:spring-context}): every method
 * carrying {@code @Scheduled} (or its repeated form {@code @Schedules}) is a job named {@code
 * Class#method}. Only the class's own methods are inspected: no hierarchy walk.
 */
public final class SpringScheduledPreset extends LibraryPreset {

  private static final String ANNOTATIONS = "org.springframework.scheduling.annotation.";
  private static final String SCHEDULED = ANNOTATIONS + "Scheduled";

  private static final ElementMatcher.Junction<MethodDescription> SCHEDULED_METHOD = isMethod()
      .and(not(isAbstract()))
      .and(isAnnotatedWith(named(SCHEDULED).or(named(ANNOTATIONS + "Schedules"))));

  public SpringScheduledPreset() {
    super("spring-scheduled", SCHEDULED, "org.springframework/spring-context", List.of());
  }

  @Override
  public ElementMatcher<TypeDescription> types() {
    return declaresMethod(SCHEDULED_METHOD);
  }

  @Override
  public ElementMatcher<MethodDescription> methods() {
    return SCHEDULED_METHOD;
  }

  @Override
  public RunExtractor extractor() {
    return null; // Class#method is the name; Spring knows no business id
  }
}
