package io.jobpulse.sample.e2e;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.Optional;
import java.util.stream.Stream;

/** The JDKs the application runs on in the tests. */
enum JavaRuntime {
  /** The JDK running the tests (17). */
  CURRENT,
  /** A Temurin 25 under /usr/lib/jvm; tests on it are skipped where there is none. */
  TEMURIN_25;

  private static final Path JVM_DIR = Path.of("/usr/lib/jvm");

  /** The {@code java} launcher, or a skipped test when this JDK is not installed. */
  Path javaOrSkip() {
    if (this == CURRENT) {
      return Path.of(System.getProperty("java.home"), "bin", "java");
    }
    Optional<Path> java = temurin25();
    assumeTrue(java.isPresent(), "no temurin-25* JDK under " + JVM_DIR);
    return java.get();
  }

  private static Optional<Path> temurin25() {
    if (!Files.isDirectory(JVM_DIR)) {
      return Optional.empty();
    }
    try (Stream<Path> jdks = Files.list(JVM_DIR)) {
      return jdks.filter(dir -> dir.getFileName().toString().startsWith("temurin-25"))
          .sorted(Comparator.reverseOrder())
          .map(dir -> dir.resolve("bin/java"))
          .filter(Files::isExecutable)
          .findFirst();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
