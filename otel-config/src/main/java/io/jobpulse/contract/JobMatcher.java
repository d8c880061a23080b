package io.jobpulse.contract;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Objects;

/**
 * One matcher of job (or item) methods, in the syntax of {@code jobpulse.jobs}:
 *
 * <ul>
 *   <li>{@code com.acme.Worker#run} — one class's method;
 *   <li>{@code com.acme.jobs.*#perform} — every class directly in a package;
 *   <li>{@code com.acme..*#run} — every class in a package and its sub-packages;
 *   <li>{@code implements:org.quartz.Job#execute} — every implementation of a type;
 *   <li>{@code annotated:org.springframework.scheduling.annotation.Scheduled} — every method
 *       carrying an annotation;
 *   <li>{@code preset:quartz} — a preset for a job library (see {@link #PRESETS}).
 * </ul>
 *
 * Any matcher but a preset may end with {@code (id=arg0.jobId,total=arg1.size)} to take the run's
 * business id and item total from the method's arguments. Instances are immutable.
 */
public final class JobMatcher {

  /** What a matcher selects methods by. */
  public enum Kind {
    METHOD,
    IMPLEMENTS,
    ANNOTATED,
    PRESET
  }

  /** The preset names {@code preset:} accepts. */
  public static final List<String> PRESETS =
      Collections.unmodifiableList(
          Arrays.asList("auto", "quartz", "spring-scheduled", "executor", "db-scheduler", "jobrunr"));

  private static final String IMPLEMENTS_PREFIX = "implements:";
  private static final String ANNOTATED_PREFIX = "annotated:";
  private static final String PRESET_PREFIX = "preset:";

  private final String text;
  private final Kind kind;
  private final String typePattern;
  private final String methodName;
  private final ValuePath businessId;
  private final ValuePath total;

  private JobMatcher(
      String text, Kind kind, String typePattern, String methodName, ValuePath businessId, ValuePath total) {
    this.text = text;
    this.kind = kind;
    this.typePattern = typePattern;
    this.methodName = methodName;
    this.businessId = businessId;
    this.total = total;
  }

  /**
   * Parses a {@code ;}-separated list; blank entries are skipped.
   *
   * @throws IllegalArgumentException naming the entry that is wrong and the accepted syntax
   */
  public static List<JobMatcher> parseList(String text) {
    List<JobMatcher> matchers = new ArrayList<>();
    if (text == null) {
      return matchers;
    }
    for (String entry : text.split(";")) {
      if (!entry.trim().isEmpty()) {
        matchers.add(parse(entry));
      }
    }
    return Collections.unmodifiableList(matchers);
  }

  /**
   * Parses one matcher.
   *
   * @throws IllegalArgumentException naming what is wrong and the accepted syntax
   */
  public static JobMatcher parse(String entry) {
    String text = entry.trim();
    String body = text;
    ValuePath businessId = null;
    ValuePath total = null;
    int open = body.indexOf('(');
    if (open >= 0) {
      if (!body.endsWith(")")) {
        throw invalid(text, "an extraction must end with ')'");
      }
      for (String assignment : body.substring(open + 1, body.length() - 1).split(",")) {
        int eq = assignment.indexOf('=');
        if (eq < 0) {
          throw invalid(text, "expected name=argN.property inside (...)");
        }
        String name = assignment.substring(0, eq).trim();
        ValuePath path = ValuePath.parse(assignment.substring(eq + 1));
        if (name.equals("id")) {
          businessId = path;
        } else if (name.equals("total")) {
          total = path;
        } else {
          throw invalid(text, "unknown extraction '" + name + "'; use id= or total=");
        }
      }
      body = body.substring(0, open).trim();
    }

    if (body.startsWith(PRESET_PREFIX)) {
      String preset = body.substring(PRESET_PREFIX.length()).trim();
      if (!PRESETS.contains(preset)) {
        throw invalid(text, "unknown preset '" + preset + "'; known presets: " + String.join(", ", PRESETS));
      }
      if (businessId != null || total != null) {
        throw invalid(text, "a preset takes no (id=...,total=...)");
      }
      return new JobMatcher(text, Kind.PRESET, preset, null, null, null);
    }
    if (body.startsWith(ANNOTATED_PREFIX)) {
      String annotation = body.substring(ANNOTATED_PREFIX.length()).trim();
      requireQualifiedName(text, annotation);
      return new JobMatcher(text, Kind.ANNOTATED, annotation, null, businessId, total);
    }
    Kind kind = Kind.METHOD;
    if (body.startsWith(IMPLEMENTS_PREFIX)) {
      kind = Kind.IMPLEMENTS;
      body = body.substring(IMPLEMENTS_PREFIX.length()).trim();
    }
    int hash = body.indexOf('#');
    if (hash <= 0 || hash == body.length() - 1) {
      throw invalid(text, "expected Type#method");
    }
    String type = body.substring(0, hash).trim();
    String method = body.substring(hash + 1).trim();
    if (!isIdentifier(method)) {
      throw invalid(text, "'" + method + "' is not a method name");
    }
    if (kind == Kind.METHOD && (type.endsWith("..*") || type.endsWith(".*"))) {
      String pkg = type.substring(0, type.lastIndexOf(type.endsWith("..*") ? "..*" : ".*"));
      requireQualifiedName(text, pkg);
    } else {
      requireQualifiedName(text, type);
    }
    return new JobMatcher(text, kind, type, method, businessId, total);
  }

  public Kind kind() {
    return kind;
  }

  /**
   * The type part: a class name or package pattern ({@link Kind#METHOD}), the implemented type
   * ({@link Kind#IMPLEMENTS}), the annotation ({@link Kind#ANNOTATED}) or the preset name
   * ({@link Kind#PRESET}).
   */
  public String typePattern() {
    return typePattern;
  }

  /** The method name; {@code null} for annotations and presets. */
  public String methodName() {
    return methodName;
  }

  /** Where the run's business id comes from, or {@code null}. */
  public ValuePath businessId() {
    return businessId;
  }

  /** Where the run's item total comes from, or {@code null}. */
  public ValuePath total() {
    return total;
  }

  /**
   * Whether a class of this (binary, dotted) name is selected by a {@link Kind#METHOD} matcher's
   * type pattern: the exact name, a class directly in the package for {@code pkg.*}, or a class in
   * the package or below for {@code pkg..*}. Nested classes ({@code Outer$Inner}) belong to their
   * outer class's package.
   */
  public boolean matchesTypeName(String className) {
    if (typePattern.endsWith("..*")) {
      String pkg = typePattern.substring(0, typePattern.length() - 3);
      return className.startsWith(pkg + ".");
    }
    if (typePattern.endsWith(".*")) {
      String pkg = typePattern.substring(0, typePattern.length() - 2);
      return className.startsWith(pkg + ".") && className.indexOf('.', pkg.length() + 1) < 0;
    }
    return typePattern.equals(className);
  }

  /**
   * Whether a job name ({@code Class#method}) is selected by this matcher's type and method parts;
   * used by the collector to apply settings per job name. Only {@link Kind#METHOD} matchers
   * select by name.
   */
  public boolean matchesJobName(String jobName) {
    if (kind != Kind.METHOD || jobName == null) {
      return false;
    }
    int hash = jobName.lastIndexOf('#');
    return hash > 0 && methodName.equals(jobName.substring(hash + 1)) && matchesTypeName(jobName.substring(0, hash));
  }

  private static void requireQualifiedName(String text, String name) {
    for (String part : name.split("\\.", -1)) {
      if (!isIdentifier(part)) {
        throw invalid(text, "'" + name + "' is not a qualified type name");
      }
    }
  }

  private static boolean isIdentifier(String s) {
    if (s.isEmpty() || !Character.isJavaIdentifierStart(s.charAt(0))) {
      return false;
    }
    for (int i = 1; i < s.length(); i++) {
      if (!Character.isJavaIdentifierPart(s.charAt(i))) {
        return false;
      }
    }
    return true;
  }

  private static IllegalArgumentException invalid(String text, String why) {
    return new IllegalArgumentException(
        "invalid job matcher '" + text + "': " + why
            + ". Forms: com.acme.Worker#run, com.acme.jobs.*#perform, com.acme..*#run, "
            + "implements:org.quartz.Job#execute, annotated:com.acme.JobAnnotation, preset:NAME, "
            + "optionally followed by (id=arg0.jobId,total=arg1.size)");
  }

  @Override
  public boolean equals(Object o) {
    if (!(o instanceof JobMatcher)) {
      return false;
    }
    JobMatcher that = (JobMatcher) o;
    return kind == that.kind
        && typePattern.equals(that.typePattern)
        && Objects.equals(methodName, that.methodName)
        && Objects.equals(businessId, that.businessId)
        && Objects.equals(total, that.total);
  }

  @Override
  public int hashCode() {
    return Objects.hash(kind, typePattern, methodName, businessId, total);
  }

  /** The matcher as it was written. */
  @Override
  public String toString() {
    return text;
  }
}
