package io.jobpulse.agent;

import java.io.IOException;
import java.io.InputStream;
import java.lang.instrument.Instrumentation;
import java.lang.reflect.Method;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.ProtectionDomain;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import net.bytebuddy.dynamic.loading.ClassInjector;

/**
 * Puts the bridge ({@code io.jobpulse.agent.bootstrap}) into the bootstrap class loader, where
 * advice inlined into classes of any loader can reach it. Its bytes are read from the agent jar as
 * resources, never loaded through the system class loader first (which would make a second,
 * unreachable copy).
 *
 * <p>The classes are defined straight into the bootstrap loader, which leaves the application's
 * output alone: appending a jar to the boot class path (the fallback) makes the JVM warn about
 * class data sharing on stderr, and {@code sun.misc.Unsafe} is deprecated with a warning on recent
 * JDKs.
 */
final class BootstrapInjector {

  static final String BRIDGE_PACKAGE = "io.jobpulse.agent.bootstrap";
  /** In dependency order. */
  private static final String[] BRIDGE_CLASSES = {"Dispatcher", "JobPulseBridge"};

  static void inject(Instrumentation instrumentation) throws IOException {
    Map<String, byte[]> classes = new LinkedHashMap<>();
    ClassLoader agentLoader = BootstrapInjector.class.getClassLoader();
    for (String simpleName : BRIDGE_CLASSES) {
      String name = BRIDGE_PACKAGE + '.' + simpleName;
      try (InputStream in = agentLoader.getResourceAsStream(name.replace('.', '/') + ".class")) {
        if (in == null) {
          throw new IOException("the agent jar lacks " + name);
        }
        classes.put(name, in.readAllBytes());
      }
    }
    try {
      defineInBootstrapLoader(instrumentation, classes);
    } catch (ReflectiveOperationException | RuntimeException e) {
      Path folder = Files.createTempDirectory("jobpulse-bootstrap");
      folder.toFile().deleteOnExit();
      ClassInjector.UsingInstrumentation.of(folder.toFile(), ClassInjector.UsingInstrumentation.Target.BOOTSTRAP, instrumentation)
          .injectRaw(classes);
    }
  }

  /**
   * {@code ClassLoader.defineClass1(null, ...)} defines a class in the bootstrap loader; the
   * instrumentation opens {@code java.lang} to the agent for this one call.
   */
  private static void defineInBootstrapLoader(Instrumentation instrumentation, Map<String, byte[]> classes) throws ReflectiveOperationException {
    Module javaBase = Object.class.getModule();
    instrumentation.redefineModule(javaBase, Collections.emptySet(), Collections.emptyMap(),
        Collections.singletonMap("java.lang", Set.of(BootstrapInjector.class.getModule())), Collections.emptySet(), Collections.emptyMap());
    Method defineClass = ClassLoader.class.getDeclaredMethod("defineClass1",
        ClassLoader.class, String.class, byte[].class, int.class, int.class, ProtectionDomain.class, String.class);
    defineClass.setAccessible(true);
    for (Map.Entry<String, byte[]> entry : classes.entrySet()) {
      byte[] bytes = entry.getValue();
      defineClass.invoke(null, null, entry.getKey(), bytes, 0, bytes.length, null, null);
    }
  }

  private BootstrapInjector() {}
}
