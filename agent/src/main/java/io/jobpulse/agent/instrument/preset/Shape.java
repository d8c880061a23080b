package io.jobpulse.agent.instrument.preset;

import static net.bytebuddy.matcher.ElementMatchers.named;
import static net.bytebuddy.matcher.ElementMatchers.takesArguments;

import net.bytebuddy.description.method.MethodDescription;
import net.bytebuddy.matcher.ElementMatcher;
import net.bytebuddy.pool.TypePool;

/**
 * A member a preset relies on: a method (by name and signature) or a field of one of its
 * library's types. Checked against the class files of a loader that holds the library, before the
 * preset applies there, so that a version that changed it is skipped rather than mis-reported.
 * Immutable.
 */
final class Shape {

  private final String typeName;
  private final String member;
  private final ElementMatcher<? super MethodDescription> method;

  private Shape(String typeName, String member, ElementMatcher<? super MethodDescription> method) {
    this.typeName = typeName;
    this.member = member;
    this.method = method;
  }

  /** A method of {@code typeName}, described as {@code member} in log lines. */
  static Shape method(String typeName, String member, ElementMatcher<? super MethodDescription> method) {
    return new Shape(typeName, member, method);
  }

  /** A no-argument method {@code name} of {@code typeName} (a getter the extractor reads). */
  static Shape getter(String typeName, String name) {
    return method(typeName, name + "()", named(name).and(takesArguments(0)));
  }

  /** A field {@code name} of {@code typeName}. */
  static Shape field(String typeName, String name) {
    return new Shape(typeName, name, null);
  }

  /** Whether the type, as {@code pool} reads it from class files, has this member. */
  boolean presentIn(TypePool pool) {
    TypePool.Resolution resolution = pool.describe(typeName);
    if (!resolution.isResolved()) {
      return false;
    }
    if (method == null) {
      return !resolution.resolve().getDeclaredFields().filter(named(member)).isEmpty();
    }
    return !resolution.resolve().getDeclaredMethods().filter(method).isEmpty();
  }

  @Override
  public String toString() {
    return typeName + (method == null ? "." : "#") + member;
  }
}
