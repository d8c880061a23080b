package io.jobpulse.collector;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.jobpulse.collector.testing.TestHttp;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.zip.GZIPInputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The container image Jib built during {@code package} ({@code target/jib-image.tar}, on the
 * offline {@code scratch} base): its config says how it runs, and its layers hold an application
 * that does run — unpacked, its own entrypoint and environment start a collector.
 */
class ContainerImageIT {

  private static final String DATA_DIR = "/var/lib/jobpulse";
  private static final Pattern STARTED = Pattern.compile(
      "JobPulse collector started: otlp-http=(\\d+) otlp-grpc=(\\d+) http=(\\d+) data-dir=(.+)");

  @TempDir static Path unpacked;
  private static JsonNode config;
  /** Every file and directory of the image's layers, by absolute path. */
  private static final Map<String, TarArchiveEntry> files = new HashMap<>();

  @BeforeAll
  static void unpackTheImage() throws IOException {
    Path tar = Path.of(System.getProperty("jobpulse.image.tar", "target/jib-image.tar"));
    assertTrue(Files.isRegularFile(tar), "no image tar at " + tar.toAbsolutePath() + "; run ./mvnw -pl collector verify");
    Map<String, byte[]> entries = new HashMap<>();
    try (TarArchiveInputStream in = new TarArchiveInputStream(Files.newInputStream(tar))) {
      for (TarArchiveEntry entry; (entry = in.getNextEntry()) != null; ) {
        if (entry.isFile() && entry.getName().endsWith(".json")) {
          entries.put(entry.getName(), in.readAllBytes());
        } else if (entry.isFile()) {
          unpackLayer(in); // Jib's layers are gzipped tars
        }
      }
    }
    JsonNode manifest = TestHttp.JSON.readTree(entries.get("manifest.json")).get(0);
    config = TestHttp.JSON.readTree(entries.get(manifest.path("Config").asText()));
  }

  @Test
  void runsServeAsANonRootUserWithItsPortsAndItsDataInAVolume() {
    JsonNode container = config.path("config");
    assertEquals(List.of("java", "-XX:+UseParallelGC", "-cp", "@/app/jib-classpath-file", "io.jobpulse.collector.Main"),
        strings(container.path("Entrypoint")));
    assertEquals(List.of("serve"), strings(container.path("Cmd")));
    assertEquals(List.of("4317/tcp", "4318/tcp", "8090/tcp"), fieldNames(container.path("ExposedPorts")));
    assertEquals("65532", container.path("User").asText());
    assertEquals(List.of(DATA_DIR), fieldNames(container.path("Volumes")));
    assertTrue(strings(container.path("Env")).contains("JOBPULSE_DATA_DIR=" + DATA_DIR), container.toString());
    assertEquals("linux", config.path("os").asText());
  }

  @Test
  void theDataDirectoryExistsAndTheNonRootUserMayWriteIt() {
    TarArchiveEntry dataDir = files.get(DATA_DIR);
    assertTrue(dataDir != null && dataDir.isDirectory(), "no " + DATA_DIR + " in the image");
    assertEquals(0777, dataDir.getMode() & 0777);
  }

  @Test
  void theLayersHoldAnApplicationThatStartsFromTheImagesEntrypoint() throws Exception {
    for (String file : List.of("/app/jib-classpath-file", "/app/classes/io/jobpulse/collector/Main.class",
        "/app/resources/io/jobpulse/collector/dashboard/index.html")) {
      assertTrue(files.containsKey(file), "missing from the image: " + file);
    }
    // The entrypoint's class path, rooted where the layers were unpacked instead of at /.
    String classPath = Files.readString(unpacked.resolve("app/jib-classpath-file")).trim()
        .replace("/app/", unpacked.resolve("app") + "/");
    Path data = Files.createDirectories(unpacked.resolve("data"));
    // The image's own entrypoint, with this JDK's java and the class path rooted where unpacked.
    List<String> command = new ArrayList<>();
    for (String part : strings(config.path("config").path("Entrypoint"))) {
      command.add(switch (part) {
        case "java" -> Path.of(System.getProperty("java.home"), "bin", "java").toString();
        case "@/app/jib-classpath-file" -> classPath;
        default -> part;
      });
    }
    command.addAll(strings(config.path("config").path("Cmd")));
    command.addAll(List.of("--otlp-port", "0", "--otlp-grpc-port", "0", "--http-port", "0"));
    ProcessBuilder builder = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.INHERIT);
    builder.environment().put("JOBPULSE_DATA_DIR", data.toString()); // as the image's Env does, at DATA_DIR
    Process process = builder.start();
    try {
      BufferedReader out = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
      CompletableFuture<String> firstLine = CompletableFuture.supplyAsync(() -> {
        try {
          return out.readLine();
        } catch (IOException e) {
          throw new java.io.UncheckedIOException(e);
        }
      });
      await().atMost(Duration.ofSeconds(60)).until(firstLine::isDone);
      Matcher started = STARTED.matcher(String.valueOf(firstLine.get()));
      assertTrue(started.matches(), "unexpected first line: " + firstLine.get());
      assertEquals(data.toString(), started.group(4), "the data directory comes from JOBPULSE_DATA_DIR");
      assertEquals("ok", new TestHttp().getJson("http://127.0.0.1:" + started.group(3) + "/healthz")
          .path("status").asText());
    } finally {
      process.destroy();
      if (!process.waitFor(30, TimeUnit.SECONDS)) {
        process.destroyForcibly();
      }
    }
  }

  private static void unpackLayer(InputStream layer) throws IOException {
    TarArchiveInputStream in = new TarArchiveInputStream(new GZIPInputStream(layer));
    for (TarArchiveEntry entry; (entry = in.getNextEntry()) != null; ) {
      String name = "/" + entry.getName().replaceAll("^/+|/+$", "");
      files.put(name, entry);
      Path target = unpacked.resolve(name.substring(1)).normalize();
      if (!target.startsWith(unpacked)) {
        throw new IOException("a layer entry escapes the image root: " + entry.getName());
      }
      if (entry.isDirectory()) {
        Files.createDirectories(target);
      } else if (entry.isFile()) {
        Files.createDirectories(target.getParent());
        Files.copy(in, target);
      }
    }
  }

  private static List<String> strings(JsonNode array) {
    List<String> values = new ArrayList<>();
    array.forEach(value -> values.add(value.asText()));
    return values;
  }

  private static List<String> fieldNames(JsonNode object) {
    List<String> names = new ArrayList<>();
    object.fieldNames().forEachRemaining(names::add);
    names.sort(null);
    return names;
  }
}
