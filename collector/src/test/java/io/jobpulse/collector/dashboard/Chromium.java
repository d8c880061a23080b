package io.jobpulse.collector.dashboard;

import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;

/**
 * Headless Chromium as a test tool: loads a page, lets its scripts run, dumps the DOM or a PNG; or
 * keeps a page open as a {@link Tab} that a test drives (clicks, keys, reads) over the DevTools
 * protocol.
 */
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
    return run(List.of("--virtual-time-budget=" + VIRTUAL_TIME_BUDGET_MS, "--dump-dom", page.toString()));
  }

  /** Renders the page at 1400×1000 into {@code png}. */
  void screenshot(URI page, Path png) throws IOException, InterruptedException {
    Files.createDirectories(png.toAbsolutePath().getParent());
    Files.deleteIfExists(png);
    run(List.of("--virtual-time-budget=" + VIRTUAL_TIME_BUDGET_MS, "--screenshot=" + png.toAbsolutePath(),
        "--window-size=1400,1000", page.toString()));
  }

  /**
   * A 1400×1000 page, open on {@code about:blank} until {@link Tab#navigate}; the caller closes it.
   * It runs in real time: wait for what it shows with Awaitility, not with sleeps.
   */
  Tab open() throws IOException, InterruptedException {
    Path runDir = Files.createDirectories(workDir.resolve("run-" + ++runs));
    Path stderr = runDir.resolve("stderr");
    Path profile = runDir.resolve("profile");
    List<String> command = command(profile);
    // Port 0: Chromium picks a free one and writes it to DevToolsActivePort in the profile.
    command.addAll(List.of("--remote-debugging-port=0", "--window-size=1400,1000", "about:blank"));
    Process process =
        new ProcessBuilder(command)
            .redirectOutput(runDir.resolve("stdout").toFile())
            .redirectError(stderr.toFile())
            .start();
    try {
      Path portFile = profile.resolve("DevToolsActivePort");
      await("DevToolsActivePort written")
          .atMost(Duration.ofSeconds(RUN_TIMEOUT_SECONDS))
          .pollInterval(Duration.ofMillis(100))
          .until(() -> {
            if (!process.isAlive()) {
              throw new AssertionError("chromium exited with " + process.exitValue() + "; stderr:\n" + tail(stderr));
            }
            return Files.exists(portFile) && Files.readAllLines(portFile).size() >= 2;
          });
      int port = Integer.parseInt(Files.readAllLines(portFile).get(0).trim());
      HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
      String socketUrl = await("the about:blank page among the DevTools targets")
          .atMost(Duration.ofSeconds(30))
          .pollInterval(Duration.ofMillis(100))
          .until(() -> pageSocket(http, port), Objects::nonNull);
      return new Tab(process, http, URI.create(socketUrl));
    } catch (IOException | InterruptedException | RuntimeException | Error e) {
      stop(process);
      throw e;
    }
  }

  /** The DevTools address of the browser's about:blank page, null while it has none. */
  private static String pageSocket(HttpClient http, int port) throws IOException, InterruptedException {
    HttpResponse<String> targets = http.send(
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/json/list")).timeout(Duration.ofSeconds(30)).build(),
        HttpResponse.BodyHandlers.ofString());
    for (JsonNode target : Tab.JSON.readTree(targets.body())) {
      if (target.path("type").asText().equals("page") && target.path("url").asText().equals("about:blank")) {
        return target.path("webSocketDebuggerUrl").asText();
      }
    }
    return null;
  }

  private List<String> command(Path profile) {
    return new ArrayList<>(
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
            "--user-data-dir=" + profile));
  }

  private static void stop(Process process) throws InterruptedException {
    process.descendants().forEach(ProcessHandle::destroy);
    process.destroy();
    if (!process.waitFor(10, TimeUnit.SECONDS)) {
      process.descendants().forEach(ProcessHandle::destroyForcibly);
      process.destroyForcibly();
      process.waitFor(10, TimeUnit.SECONDS);
    }
  }

  private String run(List<String> task) throws IOException, InterruptedException {
    Path runDir = Files.createDirectories(workDir.resolve("run-" + ++runs));
    Path stdout = runDir.resolve("stdout");
    Path stderr = runDir.resolve("stderr");
    List<String> command = command(runDir.resolve("profile"));
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

  /**
   * One page of a running Chromium, driven over the DevTools protocol: navigate, evaluate script,
   * click with the mouse, press keys. Events are ignored; only command replies are read.
   */
  static final class Tab implements AutoCloseable {

    static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration CALL_TIMEOUT = Duration.ofSeconds(30);

    private final Process process;
    private final WebSocket socket;
    private final AtomicInteger ids = new AtomicInteger();
    private final Map<Integer, CompletableFuture<JsonNode>> replies = new ConcurrentHashMap<>();

    private Tab(Process process, HttpClient http, URI socketUrl) throws IOException, InterruptedException {
      this.process = process;
      try {
        this.socket = http.newWebSocketBuilder()
            .buildAsync(socketUrl, new Replies())
            .get(CALL_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
      } catch (ExecutionException | TimeoutException e) {
        throw new IOException("cannot connect to " + socketUrl, e);
      }
    }

    /** Runs {@code source} in every document this tab loads from now on, before the page's scripts. */
    void beforeEachDocument(String source) {
      call("Page.enable", Map.of()); // without it, the script is not run
      call("Page.addScriptToEvaluateOnNewDocument", Map.of("source", source));
    }

    /** Starts loading {@code page}; returns once the navigation is committed, not once it rendered. */
    void navigate(URI page) {
      JsonNode result = call("Page.navigate", Map.of("url", page.toString()));
      if (result.hasNonNull("errorText")) {
        throw new AssertionError("navigating to " + page + ": " + result.get("errorText").asText());
      }
    }

    /** The value of a JavaScript expression in the page, a promise awaited; null for undefined. */
    JsonNode eval(String expression) {
      JsonNode result = call("Runtime.evaluate",
          Map.of("expression", expression, "returnByValue", true, "awaitPromise", true));
      if (result.has("exceptionDetails")) {
        throw new AssertionError("the page threw on " + expression + ":\n" + result.get("exceptionDetails"));
      }
      return result.path("result").path("value");
    }

    /** The text of the first element matching {@code selector}, or null if none does. */
    String text(String selector) {
      JsonNode text = eval("(() => { const n = document.querySelector(" + quote(selector) + ");"
          + " return n ? n.textContent : null; })()");
      return text.isTextual() ? text.asText() : null;
    }

    boolean exists(String selector) {
      return eval("document.querySelector(" + quote(selector) + ") !== null").asBoolean();
    }

    /**
     * A real left click in the middle of the element: fails if another element (an overlay, a
     * hidden panel) would receive it instead.
     */
    void click(String selector) {
      JsonNode point = eval("(() => {"
          + " const n = document.querySelector(" + quote(selector) + ");"
          + " if (!n) return 'no element';"
          + " n.scrollIntoView({ block: 'center' });"
          + " const r = n.getBoundingClientRect();"
          + " const x = r.left + r.width / 2, y = r.top + r.height / 2;"
          + " const hit = document.elementFromPoint(x, y);"
          + " if (!hit || !(hit === n || n.contains(hit))) return 'covered by ' + (hit ? hit.outerHTML.slice(0, 200) : 'nothing');"
          + " return { x, y }; })()");
      if (!point.isObject()) {
        throw new AssertionError("cannot click " + selector + ": " + point.asText());
      }
      for (String type : List.of("mousePressed", "mouseReleased")) {
        call("Input.dispatchMouseEvent", Map.of("type", type, "x", point.get("x").asDouble(),
            "y", point.get("y").asDouble(), "button", "left", "clickCount", 1));
      }
    }

    /** Gives the element the keyboard focus. */
    void focus(String selector) {
      if (!eval("(() => { const n = document.querySelector(" + quote(selector) + ");"
          + " if (n) n.focus(); return n !== null && document.activeElement === n; })()").asBoolean()) {
        throw new AssertionError("cannot focus " + selector);
      }
    }

    /** Presses and releases a key ("Enter", "Escape", "Tab") on the focused element. */
    void press(String key) {
      int code = switch (key) {
        case "Enter" -> 13;
        case "Escape" -> 27;
        case "Tab" -> 9;
        default -> throw new IllegalArgumentException(key);
      };
      Map<String, Object> down = new HashMap<>(Map.of("type", "rawKeyDown", "key", key, "code", key,
          "windowsVirtualKeyCode", code, "nativeVirtualKeyCode", code));
      call("Input.dispatchKeyEvent", down);
      if (key.equals("Enter")) {
        call("Input.dispatchKeyEvent", Map.of("type", "char", "key", key, "text", "\r", "unmodifiedText", "\r"));
      }
      down.put("type", "keyUp");
      call("Input.dispatchKeyEvent", down);
    }

    /** Sends one command and waits for its reply. Not for concurrent use. */
    JsonNode call(String method, Map<String, ?> params) {
      int id = ids.incrementAndGet();
      CompletableFuture<JsonNode> reply = new CompletableFuture<>();
      replies.put(id, reply);
      try {
        ObjectNode message = JSON.createObjectNode().put("id", id).put("method", method);
        message.set("params", JSON.valueToTree(params));
        socket.sendText(JSON.writeValueAsString(message), true).get(CALL_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
        JsonNode answer = reply.get(CALL_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
        if (answer.has("error")) {
          throw new AssertionError(method + " failed: " + answer.get("error"));
        }
        return answer.path("result");
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new AssertionError(method + " interrupted", e);
      } catch (ExecutionException | TimeoutException | IOException e) {
        throw new AssertionError(method + " got no answer", e);
      } finally {
        replies.remove(id);
      }
    }

    private static String quote(String text) {
      try {
        return JSON.writeValueAsString(text);
      } catch (IOException e) {
        throw new IllegalArgumentException(e);
      }
    }

    @Override
    public void close() throws InterruptedException {
      socket.abort();
      stop(process);
    }

    /** Reassembles messages and completes the reply each answers; events are dropped. */
    private final class Replies implements WebSocket.Listener {
      private final StringBuilder partial = new StringBuilder();

      @Override
      public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
        partial.append(data);
        if (last) {
          String message = partial.toString();
          partial.setLength(0);
          try {
            JsonNode node = JSON.readTree(message);
            CompletableFuture<JsonNode> reply = node.has("id") ? replies.get(node.get("id").asInt()) : null;
            if (reply != null) {
              reply.complete(node);
            }
          } catch (IOException e) {
            replies.values().forEach(reply -> reply.completeExceptionally(e));
          }
        }
        webSocket.request(1);
        return null;
      }

      @Override
      public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
        IOException closed = new IOException("DevTools connection closed: " + statusCode + " " + reason);
        replies.values().forEach(reply -> reply.completeExceptionally(closed));
        return null;
      }

      @Override
      public void onError(WebSocket webSocket, Throwable error) {
        replies.values().forEach(reply -> reply.completeExceptionally(error));
      }
    }
  }
}
