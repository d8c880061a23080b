package io.jobpulse.agent.instrument;

import static net.bytebuddy.matcher.ElementMatchers.declaresMethod;
import static net.bytebuddy.matcher.ElementMatchers.hasSuperType;
import static net.bytebuddy.matcher.ElementMatchers.isAbstract;
import static net.bytebuddy.matcher.ElementMatchers.isAnnotatedWith;
import static net.bytebuddy.matcher.ElementMatchers.isMethod;
import static net.bytebuddy.matcher.ElementMatchers.named;
import static net.bytebuddy.matcher.ElementMatchers.not;

import io.jobpulse.agent.instrument.preset.LibraryPreset;
import io.jobpulse.agent.instrument.preset.RunExtractor;
import io.jobpulse.contract.JobMatcher;
import java.util.Map;
import java.util.WeakHashMap;
import net.bytebuddy.description.method.MethodDescription;
import net.bytebuddy.description.type.TypeDescription;
import net.bytebuddy.matcher.ElementMatcher;

/**
 * One {@link JobMatcher}, or one library's {@link LibraryPreset}, as Byte Buddy matchers.
 *
 * <p>Cheap tests come first: a name test for {@code Class#method} and package patterns; for
 * {@code implements:} and {@code annotated:} the class loader must be able to see the named type
 * (looked up once per loader) before any hierarchy or annotation is inspected.
 */
final class MethodSelector {

  private final JobMatcher matcher;
  private final ElementMatcher<TypeDescription> type;
  private final ElementMatcher<MethodDescription> method;
  /** Resource name of the type a loader must see for this selector to apply, or {@code null}. */
  private final String requiredResource;
  /** Per loader: does it see {@link #requiredResource}? Weak keys: loaders may be collected. */
  private final Map<ClassLoader, Boolean> seenByLoader = new WeakHashMap<>();
  /** The preset this selector stands for, which decides per loader where it applies; or {@code null}. */
  private final LibraryPreset preset;
  private final RunExtractor extractor;

  private MethodSelector(JobMatcher matcher, ElementMatcher<TypeDescription> type, ElementMatcher<MethodDescription> method, String requiredType) {
    this(matcher, type, method, requiredType, null);
  }

  private MethodSelector(JobMatcher matcher, ElementMatcher<TypeDescription> type, ElementMatcher<MethodDescription> method, String requiredType, LibraryPreset preset) {
    this.matcher = matcher;
    this.type = type;
    this.method = method;
    this.requiredResource = requiredType == null ? null : requiredType.replace('.', '/') + ".class";
    this.preset = preset;
    this.extractor = preset == null ? null : preset.extractor();
  }

  /** The selector of a library's preset, {@code matcher} being the {@code preset:} that asked for it. */
  static MethodSelector of(JobMatcher matcher, LibraryPreset preset) {
    return new MethodSelector(matcher, preset.types(), preset.methods(), null, preset);
  }

  /**
   * The selector of a {@link JobMatcher.Kind#METHOD}, {@link JobMatcher.Kind#IMPLEMENTS} or
   * {@link JobMatcher.Kind#ANNOTATED} matcher.
   */
  static MethodSelector of(JobMatcher matcher) {
    ElementMatcher.Junction<MethodDescription> concrete = isMethod().and(not(isAbstract()));
    switch (matcher.kind()) {
      case METHOD:
        return new MethodSelector(matcher, t -> matcher.matchesTypeName(t.getName()), concrete.and(named(matcher.methodName())), null);
      case IMPLEMENTS:
        return new MethodSelector(matcher, hasSuperType(named(matcher.typePattern())), concrete.and(named(matcher.methodName())), matcher.typePattern());
      case ANNOTATED:
        ElementMatcher.Junction<MethodDescription> annotated = isAnnotatedWith(named(matcher.typePattern()));
        return new MethodSelector(matcher, declaresMethod(annotated), concrete.and(annotated), matcher.typePattern());
      default:
        throw new IllegalArgumentException("a preset is no method selector: " + matcher);
    }
  }

  JobMatcher matcher() {
    return matcher;
  }

  /** The library preset this selector stands for, or {@code null}. */
  LibraryPreset preset() {
    return preset;
  }

  /** What the reporter reads from the selected methods' arguments beyond the matcher's paths, or {@code null}. */
  RunExtractor extractor() {
    return extractor;
  }

  /** Whether methods of {@code typeDescription}, defined by {@code loader}, may be selected. */
  boolean matchesType(TypeDescription typeDescription, ClassLoader loader) {
    return loaderSeesRequiredType(loader) && type.matches(typeDescription);
  }

  /** Whether {@code methodDescription}, declared by a type {@link #matchesType matched}, is selected. */
  boolean matchesMethod(MethodDescription methodDescription) {
    return method.matches(methodDescription);
  }

  private boolean loaderSeesRequiredType(ClassLoader loader) {
    if (preset != null) {
      return preset.appliesTo(loader);
    }
    if (requiredResource == null) {
      return true;
    }
    if (loader == null) {
      return false; // bootstrap classes are never jobs
    }
    synchronized (seenByLoader) {
      Boolean seen = seenByLoader.get(loader);
      if (seen == null) {
        seen = loader.getResource(requiredResource) != null;
        seenByLoader.put(loader, seen);
      }
      return seen;
    }
  }
}
