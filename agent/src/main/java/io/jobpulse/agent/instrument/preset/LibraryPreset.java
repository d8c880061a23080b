package io.jobpulse.agent.instrument.preset;

import io.jobpulse.agent.log.AgentLog;
import java.io.IOException;
import java.io.InputStream;
import java.net.URL;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.WeakHashMap;
import java.util.jar.Manifest;
import net.bytebuddy.description.method.MethodDescription;
import net.bytebuddy.description.type.TypeDescription;
import net.bytebuddy.dynamic.ClassFileLocator;
import net.bytebuddy.matcher.ElementMatcher;
import net.bytebuddy.pool.TypePool;

/**
 * A {@code preset:} for one job library: which methods run its jobs, what to read from their
 * arguments, and where it applies.
 *
 * <p>It applies in a class loader that sees the library's marker type (a resource lookup, no class
 * loading) and whose copy of the library has every {@link Shape} the preset relies on (read from
 * class files). A loader whose copy lacks one is skipped with one log line naming what is missing;
 * the first loader where the preset applies is logged with the library's version.
 */
public abstract class LibraryPreset {

  private final String name;
  private final String markerResource;
  private final String mavenCoordinates;
  private final List<Shape> shapes;
  /** Per loader: does the preset apply there? Weak keys: loaders may be collected. */
  private final Map<ClassLoader, Boolean> appliesByLoader = new WeakHashMap<>();

  /**
   * @param markerType a type only the library has
   * @param mavenCoordinates {@code groupId/artifactId}, to find the version of a jar whose
   *     manifest has none
   * @param shapes what the preset's matchers and extractor rely on
   */
  LibraryPreset(String name, String markerType, String mavenCoordinates, List<Shape> shapes) {
    this.name = name;
    this.markerResource = markerType.replace('.', '/') + ".class";
    this.mavenCoordinates = mavenCoordinates;
    this.shapes = shapes;
  }

  /** The name after {@code preset:}. */
  public final String name() {
    return name;
  }

  /**
   * Classes that may declare job methods. Cheap tests first (the class's own declared methods),
   * any walk up the type hierarchy last.
   */
  public abstract ElementMatcher<TypeDescription> types();

  /** The job methods among a selected class's declared methods. */
  public abstract ElementMatcher<MethodDescription> methods();

  /** What the reporter reads from each run's arguments, or {@code null} for nothing. */
  public abstract RunExtractor extractor();

  /** Whether the preset applies to classes defined by {@code loader}; decided once per loader. */
  public final boolean appliesTo(ClassLoader loader) {
    if (loader == null) {
      return false; // bootstrap classes are never jobs
    }
    synchronized (appliesByLoader) {
      Boolean applies = appliesByLoader.get(loader);
      if (applies == null) {
        applies = decide(loader);
        appliesByLoader.put(loader, applies);
      }
      return applies;
    }
  }

  private boolean decide(ClassLoader loader) {
    URL marker = loader.getResource(markerResource);
    if (marker == null) {
      return false;
    }
    List<Shape> missing = new ArrayList<>();
    TypePool pool = TypePool.Default.of(ClassFileLocator.ForClassLoader.of(loader));
    for (Shape shape : shapes) {
      if (!shape.presentIn(pool)) {
        missing.add(shape);
      }
    }
    String library = mavenCoordinates.replace('/', ':') + " " + version(marker);
    if (!missing.isEmpty()) {
      AgentLog.warnOnce("preset-skipped:" + name, "preset:" + name + " skipped: this version of " + library
          + " lacks " + missing + "; its jobs are not reported (name their methods in jobpulse.jobs instead)");
      return false;
    }
    AgentLog.warnOnce("preset-applied:" + name, "preset:" + name + " applied (" + library + " in " + describe(loader) + ")");
    return true;
  }

  /** The library's version from its jar's manifest or Maven properties; "(version unknown)" otherwise. */
  private String version(URL marker) {
    String url = marker.toString();
    int bang = url.indexOf("!/");
    if (bang < 0) {
      return "(version unknown)";
    }
    String jar = url.substring(0, bang + 2);
    try (InputStream in = new URL(jar + "META-INF/MANIFEST.MF").openStream()) {
      String version = new Manifest(in).getMainAttributes().getValue("Implementation-Version");
      if (version != null) {
        return version;
      }
    } catch (IOException | RuntimeException e) {
      // no manifest: try the Maven properties below
    }
    try (InputStream in = new URL(jar + "META-INF/maven/" + mavenCoordinates + "/pom.properties").openStream()) {
      Properties properties = new Properties();
      properties.load(in);
      String version = properties.getProperty("version");
      if (version != null) {
        return version;
      }
    } catch (IOException | RuntimeException e) {
      // neither: say so
    }
    return "(version unknown)";
  }

  private static String describe(ClassLoader loader) {
    String loaderName = loader.getName();
    return loaderName != null ? "class loader '" + loaderName + "'" : loader.getClass().getName();
  }

  @Override
  public String toString() {
    return "preset:" + name;
  }
}
