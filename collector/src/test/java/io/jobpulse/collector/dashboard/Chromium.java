package io.jobpulse.collector.dashboard;

import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/** Headless Chromium as a test tool: loads a page, lets its scripts run, dumps the DOM or a PNG. */
final class Chromium {

  /** Real time allowed for one run: generous, a noisy 2-core machine starts Chromium slowly. */
  private static final long RUN_TIMEOUT_SECONDS = 120;

  /** Virtual time the page runs before the dump: two and a half poll rounds of the dashboard. */
  private static final String VIRTUAL_TIME_BUDGET_MS = "5000";

  private final Path binary;
  private final Path workDir;
  private int runs;

  private Chromium(Path binary, Path workDir) {
    this.binary = binary;
    this.workDir = workDir;
  }

  /** Chromium from {@code CHROMIUM_BIN}, else the usual Debian/Ubuntu places; empty if none. */
  static Optional<Chromium> find(Path workDir) {
    String configured = System.getenv("CHROMIUM_BIN");
    return Stream.of(
            configured,
            "/usr/bin/chromium",
            "/usr/bin/chromium-browser",
            "/usr/bin/google-chrome",
            "/snap/bin/chromium")
        .filter(p -> p != null && !p.isBlank())
        .map(Path::of)
        .filter(Files::isExecutable)
        .findFirst()
        .map(binary -> new Chromium(binary, workDir));
  }

  /** The page's DOM, serialized, once its scripts have run for the virtual time budget. */
  String dumpDom(URI page) throws IOException, InterruptedException {
    return run(List.of("--dump-dom", page.toString()));
  }

  /** Renders the page at 1400×1000 into {@code png}. */
  void screenshot(URI page, Path png) throws IOException, InterruptedException {
    Files.createDirectories(png.toAbsolutePath().getParent());
    Files.deleteIfExists(png);
    run(List.of("--screenshot=" + png.toAbsolutePath(), "--window-size=1400,1000", page.toString()));
  }

  private String run(List<String> task) throws IOException, InterruptedException {
    Path runDir = Files.createDirectories(workDir.resolve("run-" + ++runs));
    Path stdout = runDir.resolve("stdout");
    Path stderr = runDir.resolve("stderr");
    List<String> command =
        new ArrayList<>(
            List.of(
                binary.toString(),
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                "--disable-quic",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--hide-scrollbars",
                // A fresh profile per run: no cache, no state carried between tests.
                "--user-data-dir=" + runDir.resolve("profile"),
                "--virtual-time-budget=" + VIRTUAL_TIME_BUDGET_MS));
    command.addAll(task);
    // Output goes to files, not pipes, so a chatty Chromium can never block on a full pipe.
    Process process =
        new ProcessBuilder(command)
            .redirectOutput(stdout.toFile())
            .redirectError(stderr.toFile())
            .start();
    if (!process.waitFor(RUN_TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
      process.descendants().forEach(ProcessHandle::destroyForcibly);
      process.destroyForcibly();
      throw new AssertionError(
          "chromium did not finish within " + RUN_TIMEOUT_SECONDS + " s; stderr:\n" + tail(stderr));
    }
    if (process.exitValue() != 0) {
      throw new AssertionError(
          "chromium exited with " + process.exitValue() + "; stderr:\n" + tail(stderr));
    }
    return Files.readString(stdout, StandardCharsets.UTF_8);
  }

  private static String tail(Path file) throws IOException {
    String text = Files.readString(file, StandardCharsets.UTF_8);
    return text.length() <= 4000 ? text : text.substring(text.length() - 4000);
  }
}
