package io.jobpulse.collector.dashboard;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.jobpulse.collector.testing.AgentSpans;
import io.jobpulse.collector.testing.AgentSpans.Active;
import io.jobpulse.collector.testing.AgentSpans.Run;
import io.jobpulse.collector.testing.RunningCollector;
import io.jobpulse.collector.testing.TestHttp;
import io.jobpulse.contract.AttributeKeys;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The dashboard in a real headless Chromium: the real page, script and style, served by {@link
 * DashboardAssets} over real HTTP, polling an API. Skipped only where no Chromium is installed.
 */
class DashboardBrowserTest {

  /** Kept after the build for a person to look at. */
  private static final Path SCREENSHOT =
      Path.of(System.getProperty("basedir", ".")).resolve("target/dashboard-screenshot.png");

  private static final String HOSTILE_NAME = "<img src=x onerror=alert(1)>#run";

  @TempDir Path tmp;

  private Chromium chromium;

  /** The collector the page talks to, and how to stop it. */
  record Collector(URI baseUri, AutoCloseable stopper) implements AutoCloseable {
    @Override
    public void close() throws Exception {
      stopper.close();
    }
  }

  /**
   * The one place that decides what serves the page: today a stand-in holding the data set of
   * {@link ApiStandIn}; to test against the real collector, start it here (ephemeral ports, temp
   * data directory) and feed it the same jobs.
   */
  private static Collector startCollector() throws IOException {
    ApiStandIn standIn = ApiStandIn.current(DashboardAssets.load());
    return new Collector(standIn.baseUri(), standIn);
  }

  @BeforeEach
  void findChromium() {
    Optional<Chromium> found = Chromium.find(tmp);
    assumeTrue(found.isPresent(), "no chromium binary installed; set CHROMIUM_BIN to run this test");
    chromium = found.get();
  }

  @Test
  void flaggedJobsShowAsTextAndHostileStringsStayInert() throws Exception {
    String dom;
    try (Collector collector = startCollector()) {
      dom = chromium.dumpDom(collector.baseUri());
    }

    String flagged = section(dom, "flagged");
    assertTrue(flagged.contains(">" + ApiStandIn.CRASHED_JOB + "<"), () -> "crashed job name in:\n" + flagged);
    assertTrue(flagged.contains(">" + ApiStandIn.CRASHED_REASON + "<"), () -> "crash reason in:\n" + flagged);
    assertTrue(flagged.contains(">CRASHED<"), () -> "CRASHED flag badge in:\n" + flagged);

    // Application strings arrive as text: serialized escaped, never as elements or attributes.
    assertTrue(flagged.contains(">&lt;img src=x onerror=alert(1)&gt;<"), () -> "escaped hostile name in:\n" + flagged);
    assertTrue(flagged.contains("&lt;script&gt;alert(2)&lt;/script&gt;"), () -> "escaped hostile reason in:\n" + flagged);
    assertTrue(flagged.contains("\"&gt;&lt;svg onload=alert(3)&gt;"), () -> "escaped hostile business id in:\n" + flagged);
    List<Tag> tags = Tag.parseAll(dom);
    assertTrue(tags.size() > 100, () -> "the page rendered only " + tags.size() + " elements");
    assertTrue(tags.stream().noneMatch(tag -> tag.name().equals("img")), "an <img> element was created");
    assertEquals(1, tags.stream().filter(tag -> tag.name().equals("script")).count(), "script elements");
    assertEquals(
        List.of(),
        tags.stream().filter(Tag::hasEventHandler).toList(),
        "elements with inline event handlers");

    // Every section got its data.
    String workers = section(dom, "workers");
    assertTrue(workers.contains("class=\"state-dead\""), () -> "dead worker highlighted in:\n" + workers);
    assertTrue(workers.contains(">worker-b.prod<"), () -> "worker host in:\n" + workers);
    String running = section(dom, "running");
    assertTrue(running.contains(">37 / 120<"), () -> "progress done/total in:\n" + running);
    assertTrue(running.contains(">5,123 items<"), () -> "progress count without total in:\n" + running);
    assertTrue(running.contains(">6m 52s<"), () -> "ETA of 412 s in:\n" + running);
    String failed = section(dom, "failed");
    assertTrue(failed.contains(">Read timed out after 30000 ms (ledger-api)<"), () -> "error message in:\n" + failed);
    String health = section(dom, "health");
    assertFalse(openingTag(health).contains("hidden"), "health section hidden");
    assertTrue(health.contains("score-bad\" title=\"health score 0–100\">58<"), () -> "coloured score in:\n" + health);
    assertEquals(3, count(health, "<svg class=\"trend\""), () -> "one trend chart per job name in:\n" + health);
    assertTrue(openingTag(section(dom, "notice")).contains("hidden"), "unreachable notice shown while all is well");
    String pill = section(dom, "collector");
    assertTrue(pill.contains("pill-ok") && pill.endsWith(">collector ok"), () -> "health pill:\n" + pill);
  }

  /**
   * The whole path with no stand-in: a real collector (Netty, RocksDB in a temp directory) is sent
   * a worker's spans, the worker falls silent, the collector flags its jobs CRASHED, and the page
   * it serves shows them, the hostile job name as text.
   */
  @Test
  void aJobTheRealCollectorFlaggedCrashedIsShownAndItsHostileNameStaysText() throws Exception {
    TestHttp http = new TestHttp();
    AgentSpans agent = new AgentSpans("payments");
    long now = System.currentTimeMillis();
    Run settlement = Run.create("com.acme.payments.SettlementJob#settle", now - 5_000);
    Run hostile = Run.create(HOSTILE_NAME, now - 4_000);
    String dom;
    try (RunningCollector collector = new RunningCollector(tmp.resolve("data"))) {
      // One heartbeat announcing a 200 ms interval, then silence: dead after 3 × 200 ms.
      http.export(collector.otlpPort(), agent.request(agent.jobStart(settlement, now - 4_900),
          agent.jobStart(hostile, now - 3_900),
          agent.heartbeat(200, now, new Active(settlement, 3, 10L, "RUNNABLE"), new Active(hostile, 1, null, "WAITING"))));
      await().atMost(Duration.ofSeconds(15)).until(() ->
          http.getJson(collector.api("/api/jobs?status=CRASHED")).path("jobs").size() == 2);

      dom = chromium.dumpDom(URI.create(collector.api("/")));
      chromium.screenshot(URI.create(collector.api("/")), SCREENSHOT.resolveSibling("dashboard-real-collector.png"));
    }

    String flagged = section(dom, "flagged");
    assertTrue(flagged.contains(">" + settlement.name() + "<"), () -> "crashed job name in:\n" + flagged);
    assertTrue(flagged.contains(">CRASHED<"), () -> "CRASHED flag badge in:\n" + flagged);
    assertTrue(flagged.contains("no heartbeat from worker " + agent.instanceId()), () -> "crash reason in:\n" + flagged);
    assertTrue(flagged.contains(">&lt;img src=x onerror=alert(1)&gt;#run<"), () -> "escaped hostile name in:\n" + flagged);
    List<Tag> tags = Tag.parseAll(dom);
    assertTrue(tags.stream().noneMatch(tag -> tag.name().equals("img")), "an <img> element was created");
    assertEquals(List.of(), tags.stream().filter(Tag::hasEventHandler).toList(), "elements with inline event handlers");
    assertTrue(section(dom, "workers").contains("class=\"state-dead\""), "the silent worker is not shown dead");
  }

  @Test
  void filtersEverySectionByTheQueryInTheUrl() throws Exception {
    String dom;
    try (Collector collector = startCollector()) {
      dom = chromium.dumpDom(collector.baseUri().resolve("/?q=payments"));
    }
    String flagged = section(dom, "flagged");
    assertTrue(flagged.contains(">" + ApiStandIn.CRASHED_JOB + "<"), () -> "matching job in:\n" + flagged);
    assertFalse(flagged.contains("com.acme.mail.Digest#send"), () -> "other service's job in:\n" + flagged);
    assertTrue(flagged.contains("<span class=\"n\">2 of 6</span>"), () -> "filtered count in:\n" + flagged);
    String workers = section(dom, "workers");
    assertTrue(workers.contains(">worker-b.prod<") && !workers.contains(">worker-a.prod<"), () -> "workers:\n" + workers);
    assertTrue(section(dom, "running").contains("No job is running."), "running jobs of other services shown");
  }

  @Test
  void screenshotForPeopleToReview() throws Exception {
    try (Collector collector = startCollector()) {
      chromium.screenshot(collector.baseUri(), SCREENSHOT);
      chromium.screenshot(collector.baseUri().resolve("/?job=" + ApiStandIn.PARENT_ID),
          SCREENSHOT.resolveSibling("dashboard-job-detail.png"));
    }
    BufferedImage image = ImageIO.read(SCREENSHOT.toFile());
    assertEquals(1400, image.getWidth());
    assertEquals(1000, image.getHeight());
    // A blank or error page has a handful of colours; the rendered dashboard has many.
    Set<Integer> colours = new HashSet<>();
    for (int y = 0; y < image.getHeight(); y += 4) {
      for (int x = 0; x < image.getWidth(); x += 4) {
        colours.add(image.getRGB(x, y));
      }
    }
    assertTrue(colours.size() > 50, "only " + colours.size() + " colours: the page did not render");
  }

  @Test
  void hidesHealthOnACollectorWithoutIt() throws Exception {
    String dom;
    try (ApiStandIn olderCollector = ApiStandIn.withoutHealthEndpoint(DashboardAssets.load())) {
      dom = chromium.dumpDom(olderCollector.baseUri());
      assertTrue(olderCollector.apiRequests().contains("/api/health"), "the page asked for /api/health");
    }
    assertTrue(openingTag(section(dom, "health")).contains("hidden"), "health section still shown");
    assertTrue(section(dom, "flagged").contains(">" + ApiStandIn.CRASHED_JOB + "<"), "other sections lost their data");
    assertTrue(openingTag(section(dom, "notice")).contains("hidden"), "a missing /api/health was reported as an outage");
  }

  @Test
  void keepsTheLastDataAndSaysSoWhenTheCollectorFails() throws Exception {
    String dom;
    try (ApiStandIn failing = ApiStandIn.failingAfterFirstPoll(DashboardAssets.load())) {
      dom = chromium.dumpDom(failing.baseUri());
      assertTrue(
          failing.apiRequests().stream().filter("/healthz"::equals).count() >= 2,
          () -> "the page polled only once: " + failing.apiRequests());
    }
    String notice = section(dom, "notice");
    assertFalse(openingTag(notice).contains("hidden"), () -> "notice hidden:\n" + notice);
    assertTrue(notice.contains("Collector unreachable since"), () -> "notice text:\n" + notice);
    String pill = section(dom, "collector");
    assertTrue(pill.contains("pill-bad") && pill.endsWith(">unreachable"), () -> "health pill:\n" + pill);
    assertTrue(section(dom, "flagged").contains(">" + ApiStandIn.CRASHED_REASON + "<"), "last good data dropped");
    assertTrue(section(dom, "workers").contains(">worker-b.prod<"), "last good workers dropped");
  }

  // ---- the job detail, in a page kept open and driven like a person would ----------------------

  /**
   * Opens a flagged parent from its list with the mouse: its flag, children and history show, the
   * crashed child it waits on is called out; that child opens from its link by keyboard; Back
   * returns to the parent; the close button closes the panel. The URL names the open job throughout.
   */
  @Test
  void aFlaggedParentOpensWithItsHistoryAndTheCrashedChildItWaitsOn() throws Exception {
    try (Collector collector = startCollector(); Chromium.Tab tab = openTab(collector.baseUri())) {
      String parentLink = "#flagged a[data-job=\"" + ApiStandIn.PARENT_ID + "\"]";
      await().atMost(SHOWN_WITHIN).until(() -> tab.exists(parentLink));
      assertEquals("?job=" + ApiStandIn.PARENT_ID, tab.eval(js(parentLink) + ".getAttribute('href')").asText());
      assertTrue(tab.eval(js("#detail") + ".hidden").asBoolean(), "detail shown before a click");

      tab.click(parentLink);

      awaitText(tab, "#detail .detail-name .job-name", ApiStandIn.PARENT_JOB);
      assertFalse(tab.eval(js("#detail") + ".hidden").asBoolean(), "detail hidden");
      assertEquals("?job=" + ApiStandIn.PARENT_ID, tab.eval("location.search").asText(), "the URL names the open job");
      assertEquals("detail-title", tab.eval("document.activeElement.id").asText(), "focus moved to the detail");
      assertEquals("STALLED", tab.text("#detail .detail-name .badge-flag"));
      String body = tab.text("#detail-body");
      assertFalse(body.contains("null") || body.contains("undefined"), () -> "a missing value written out in: " + body);
      String facts = tab.text("#detail .facts");
      assertTrue(facts.contains(ApiStandIn.PARENT_REASON), () -> "flag reason in: " + facts);
      assertTrue(facts.contains("detected in 1.5 s"), () -> "detection latency in: " + facts);
      assertTrue(facts.contains("month-end-2024-10"), () -> "business id in: " + facts);
      assertTrue(facts.contains("212 / 500"), () -> "progress in: " + facts);
      await().atMost(SHOWN_WITHIN).untilAsserted(() -> assertTrue(tab.text("#detail .facts").contains("worker-a.prod"),
          () -> "the worker's host in: " + tab.text("#detail .facts")));
      assertTrue(tab.exists("#detail .facts a[data-job=\"" + ApiStandIn.PARENT_PREVIOUS_ATTEMPT + "\"]"),
          "no link to the previous attempt");
      assertEquals(
          List.of("pending 6", "running 2", "completed 41", "crashed 1"),
          texts(tab, "#detail .child-counts .count-chip"),
          "children counts by status");
      assertEquals("Waiting on child " + ApiStandIn.CRASHED_ID + ", which is CRASHED", tab.text("#detail .waiting-on"));
      assertTrue(tab.exists("#detail .crashed-children li.waited-on a[data-job=\"" + ApiStandIn.CRASHED_ID + "\"]"),
          "the crashed child waited on is not highlighted");
      List<String> history = texts(tab, "#detail .history li");
      assertEquals(3, history.size(), () -> "history: " + history);
      assertTrue(history.get(0).contains("RUNNING announced by worker"), () -> "first entry: " + history);
      assertTrue(history.get(1).contains("waiting on child " + ApiStandIn.CRASHED_ID + ", which is CRASHED"),
          () -> "second entry: " + history);
      assertTrue(history.get(2).contains("STALLED: " + ApiStandIn.PARENT_REASON), () -> "third entry: " + history);
      assertTrue(tab.exists(parentLink + "[aria-current=\"true\"]"), "the open job is not marked in its list");

      // The child, by keyboard: focus its link, press Enter.
      tab.focus("#detail .waiting-on a");
      tab.press("Enter");
      awaitText(tab, "#detail .detail-name .job-name", ApiStandIn.CRASHED_JOB);
      assertEquals("?job=" + ApiStandIn.CRASHED_ID, tab.eval("location.search").asText());
      assertTrue(tab.text("#detail .facts").contains(ApiStandIn.CRASHED_REASON), "the child's crash reason");
      assertTrue(tab.exists("#detail .facts a[data-job=\"" + ApiStandIn.PARENT_ID + "\"]"), "no link to the parent");
      assertTrue(texts(tab, "#detail .history li").stream().anyMatch(e -> e.contains("CRASHED " + ApiStandIn.CRASHED_REASON)),
          "the crash in the child's history");

      tab.eval("history.back()");
      awaitText(tab, "#detail .detail-name .job-name", ApiStandIn.PARENT_JOB);
      assertEquals("?job=" + ApiStandIn.PARENT_ID, tab.eval("location.search").asText());

      tab.click("#detail-close");
      await().atMost(SHOWN_WITHIN).until(() -> tab.eval(js("#detail") + ".hidden").asBoolean());
      assertEquals("", tab.eval("location.search").asText(), "the closed job stays in the URL");
      assertEquals(ApiStandIn.PARENT_ID, tab.eval("document.activeElement.getAttribute('data-job')").asText(),
          "focus did not return to the job's link");
      assertNothingInjected(tab);
    }
  }

  /** A shared link opens its job; the job's hostile name, reason and history are text there too. */
  @Test
  void aSharedLinkOpensItsJobAndItsHostileStringsStayText() throws Exception {
    URI link = URI.create("/?q=payments&job=" + ApiStandIn.HOSTILE_ID);
    try (Collector collector = startCollector(); Chromium.Tab tab = openTab(collector.baseUri().resolve(link))) {
      awaitText(tab, "#detail .history", ApiStandIn.HOSTILE_HISTORY);
      assertEquals(ApiStandIn.HOSTILE_NAME, tab.text("#detail .detail-name .job-name"));
      assertTrue(tab.text("#detail .facts").contains(ApiStandIn.HOSTILE_REASON), "hostile reason as text");
      assertEquals(0, tab.eval("document.querySelectorAll('img').length").asInt(), "<img> elements");
      assertEquals(0, tab.eval("[...document.querySelectorAll('#detail *')]"
          + ".filter((n) => [...n.attributes].some((a) => a.name.startsWith('on'))).length").asInt(),
          "elements with inline event handlers");
      // The filter stays beside the job, in the page and in the links it renders.
      assertEquals("payments", tab.eval(js("#filter") + ".value").asText());
      await().atMost(SHOWN_WITHIN).until(() -> tab.exists("#flagged a[data-job=\"" + ApiStandIn.HOSTILE_ID + "\"]"));
      assertEquals("?q=payments&job=" + ApiStandIn.HOSTILE_ID,
          tab.eval(js("#flagged a[data-job=\"" + ApiStandIn.HOSTILE_ID + "\"]") + ".getAttribute('href')").asText());
      assertNothingInjected(tab);
    }
  }

  /** A run the collector does not know (deleted, or a mistyped link) says so. */
  @Test
  void aRunTheCollectorDoesNotKnowSaysNoSuchJob() throws Exception {
    try (Collector collector = startCollector();
        Chromium.Tab tab = openTab(collector.baseUri().resolve("/?job=" + ApiStandIn.PARENT_ID))) {
      String previousAttempt = "#detail .facts a[data-job=\"" + ApiStandIn.PARENT_PREVIOUS_ATTEMPT + "\"]";
      await().atMost(SHOWN_WITHIN).until(() -> tab.exists(previousAttempt));
      tab.click(previousAttempt);
      awaitText(tab, "#detail-body", "no such job " + ApiStandIn.PARENT_PREVIOUS_ATTEMPT);
      assertEquals("?job=" + ApiStandIn.PARENT_PREVIOUS_ATTEMPT, tab.eval("location.search").asText());

      String hostileId = "<img src=x onerror=alert(5)>";
      tab.navigate(collector.baseUri().resolve("/?job=" + URLEncoder.encode(hostileId, StandardCharsets.UTF_8)));
      awaitText(tab, "#detail-body", "no such job " + hostileId);
      assertNothingInjected(tab);
    }
  }

  /**
   * The detail against the real collector's API: a parent whose worker lives, a child whose
   * worker dies; the collector marks the child CRASHED and the parent waiting on it.
   */
  @Test
  void theRealCollectorsParentWaitingOnItsCrashedChildIsShown() throws Exception {
    TestHttp http = new TestHttp();
    AgentSpans parentWorker = new AgentSpans("billing");
    AgentSpans childWorker = new AgentSpans("billing");
    long now = System.currentTimeMillis();
    Run parent = Run.create("com.acme.billing.MonthEnd#close", now - 5_000);
    Run child = Run.create(HOSTILE_NAME, now - 4_000);
    try (RunningCollector collector = new RunningCollector(tmp.resolve("data"))) {
      // The parent's worker beats once a minute: alive throughout. The child's announces 200 ms
      // and falls silent: dead after 3 × 200 ms.
      http.export(collector.otlpPort(), parentWorker.request(parentWorker.jobStart(parent, now - 4_900),
          parentWorker.heartbeat(60_000, now, new Active(parent, 3, 10L, "WAITING"))));
      http.export(collector.otlpPort(), childWorker.request(
          childWorker.jobStart(child, now - 3_900, AgentSpans.string(AttributeKeys.JOB_PARENT_ID, parent.id())),
          childWorker.heartbeat(200, now, new Active(child, 1, null, "RUNNABLE"))));
      await().atMost(Duration.ofSeconds(15)).until(() ->
          http.getJson(collector.api("/api/jobs/" + parent.id())).path("waitingOn").path("childId").asText().equals(child.id()));

      try (Chromium.Tab tab = openTab(URI.create(collector.api("/?job=" + parent.id())))) {
        awaitText(tab, "#detail .waiting-on", "Waiting on child " + child.id() + ", which is CRASHED");
        assertEquals(parent.name(), tab.text("#detail .detail-name .job-name"));
        assertEquals(List.of("crashed 1"), texts(tab, "#detail .child-counts .count-chip"));
        assertTrue(texts(tab, "#detail .history li").stream().anyMatch(e -> e.contains("waiting on child " + child.id())),
            "the wait in the parent's history");

        tab.click("#detail .crashed-children a[data-job=\"" + child.id() + "\"]");
        awaitText(tab, "#detail .detail-name .job-name", HOSTILE_NAME);
        assertEquals("CRASHED", tab.text("#detail .detail-name .badge-flag"));
        assertTrue(tab.exists("#detail .facts a[data-job=\"" + parent.id() + "\"]"), "no link to the parent");
        assertTrue(texts(tab, "#detail .history li").stream().anyMatch(e -> e.startsWith("20") && e.contains("CRASHED")),
            "the crash in the child's history");
        assertNothingInjected(tab);
      }
    }
  }

  private static final Duration SHOWN_WITHIN = Duration.ofSeconds(20);

  /**
   * Installed before the page's own script: records any dialog the page opens and any script or
   * image the content security policy blocked, which is what injected markup would attempt.
   */
  private static final String TRIPWIRES =
      """
      window.__dialogs = [];
      window.__violations = [];
      for (const name of ['alert', 'confirm', 'prompt']) window[name] = (m) => { window.__dialogs.push(String(m)); };
      document.addEventListener('securitypolicyviolation',
          (e) => window.__violations.push(`${e.violatedDirective} ${e.blockedURI}`));
      """;

  private Chromium.Tab openTab(URI page) throws Exception {
    Chromium.Tab tab = chromium.open();
    try {
      tab.beforeEachDocument(TRIPWIRES);
      tab.navigate(page);
      return tab;
    } catch (RuntimeException | Error e) {
      tab.close();
      throw e;
    }
  }

  private static void assertNothingInjected(Chromium.Tab tab) {
    assertEquals("[]", tab.eval("JSON.stringify(window.__dialogs)").asText(), "dialogs the page opened");
    assertEquals("[]", tab.eval("JSON.stringify(window.__violations)").asText(), "content security policy violations");
  }

  /** Waits until the element exists and its text contains {@code expected}. */
  private static void awaitText(Chromium.Tab tab, String selector, String expected) {
    await().atMost(SHOWN_WITHIN).untilAsserted(() -> {
      String text = tab.text(selector);
      assertTrue(text != null && text.contains(expected),
          () -> selector + " should contain \"" + expected + "\" but is: " + text);
    });
  }

  private static List<String> texts(Chromium.Tab tab, String selector) {
    List<String> texts = new ArrayList<>();
    tab.eval("[...document.querySelectorAll(" + quote(selector) + ")].map((n) => n.textContent)")
        .forEach(text -> texts.add(text.asText()));
    return texts;
  }

  /** A script expression for the first element matching {@code selector}. */
  private static String js(String selector) {
    return "document.querySelector(" + quote(selector) + ")";
  }

  private static String quote(String text) {
    return "'" + text.replace("\\", "\\\\").replace("'", "\\'") + "'";
  }

  /** The element with this id, from its opening tag to the end of the element's type. */
  private static String section(String dom, String id) {
    Matcher open = Pattern.compile("<(\\w+) id=\"" + id + "\"[^>]*>").matcher(dom);
    assertTrue(open.find(), () -> "no element #" + id + " in:\n" + dom);
    int end = dom.indexOf("</" + open.group(1) + ">", open.end());
    assertTrue(end > 0, () -> "element #" + id + " not closed");
    // The elements looked up here do not nest in their own type: the first closing tag ends them.
    return dom.substring(open.start(), end);
  }

  /**
   * A start tag of the serialized DOM with its attribute names. Serialization writes every
   * attribute as {@code name="value"} with {@code "} escaped in values and {@code <} escaped in
   * text, so this grammar sees only real tags, never markup-looking application text.
   */
  record Tag(String name, List<String> attributes) {
    private static final Pattern START_TAG =
        Pattern.compile("<([a-zA-Z][\\w-]*)((?:\\s+[^\\s=\"/>]+(?:=\"[^\"]*\")?)*)\\s*/?>");
    private static final Pattern ATTRIBUTE_NAME = Pattern.compile("\\s+([^\\s=\"/>]+)(?:=\"[^\"]*\")?");

    static List<Tag> parseAll(String dom) {
      List<Tag> tags = new ArrayList<>();
      Matcher tag = START_TAG.matcher(dom);
      while (tag.find()) {
        List<String> attributes = new ArrayList<>();
        Matcher attribute = ATTRIBUTE_NAME.matcher(tag.group(2));
        while (attribute.find()) {
          attributes.add(attribute.group(1).toLowerCase(Locale.ROOT));
        }
        tags.add(new Tag(tag.group(1).toLowerCase(Locale.ROOT), attributes));
      }
      return tags;
    }

    boolean hasEventHandler() {
      return attributes.stream().anyMatch(attribute -> attribute.startsWith("on"));
    }
  }

  private static String openingTag(String element) {
    return element.substring(0, element.indexOf('>') + 1);
  }

  private static int count(String text, String part) {
    int n = 0;
    for (int i = text.indexOf(part); i >= 0; i = text.indexOf(part, i + 1)) {
      n++;
    }
    return n;
  }
}
