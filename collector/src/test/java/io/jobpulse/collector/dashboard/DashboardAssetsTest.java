package io.jobpulse.collector.dashboard;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.ReadOnlyBufferException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class DashboardAssetsTest {

  private final DashboardAssets assets = DashboardAssets.load();

  @Test
  void servesThePageAtTheRootAndAsIndexHtml() {
    DashboardAsset root = assets.find("/").orElseThrow();
    assertSame(root, assets.find("/index.html").orElseThrow());
    assertEquals("text/html; charset=utf-8", root.headers().get("Content-Type"));
    assertTrue(text(root).startsWith("<!doctype html>"));
    assertTrue(
        root.headers().get("Content-Security-Policy").contains("script-src 'self'"),
        "the page forbids inline and foreign script");
  }

  @Test
  void servesScriptAndStyleWithTheirTypes() {
    DashboardAsset script = assets.find("/app.js").orElseThrow();
    DashboardAsset style = assets.find("/app.css").orElseThrow();
    assertEquals("text/javascript; charset=utf-8", script.headers().get("Content-Type"));
    assertEquals("text/css; charset=utf-8", style.headers().get("Content-Type"));
    for (DashboardAsset asset : List.of(script, style)) {
      assertEquals("no-cache", asset.headers().get("Cache-Control"));
      assertEquals("nosniff", asset.headers().get("X-Content-Type-Options"));
      assertFalse(asset.headers().containsKey("Content-Security-Policy"));
    }
  }

  @Test
  void ignoresAQueryString() {
    assertSame(assets.find("/").orElseThrow(), assets.find("/?q=billing").orElseThrow());
    assertSame(assets.find("/app.js").orElseThrow(), assets.find("/app.js?v=2").orElseThrow());
  }

  @ParameterizedTest
  @ValueSource(
      strings = {"", "/api/jobs", "/healthz", "/APP.JS", "/index.htm", "/app.js/", "/../pom.xml",
          "/%2e%2e/app.js", "//app.js", "/io/jobpulse/collector/dashboard/app.js", "/DashboardAssets.class"})
  void answersNothingForPathsThatAreNotTheDashboards(String path) {
    assertTrue(assets.find(path).isEmpty(), path);
  }

  @Test
  void revalidatesByEntityTag() {
    DashboardAsset script = assets.find("/app.js").orElseThrow();
    String etag = script.headers().get("ETag");
    assertTrue(etag.matches("\"[A-Za-z0-9_-]{22}\""), etag);
    assertNotEquals(etag, assets.find("/app.css").orElseThrow().headers().get("ETag"));
    assertEquals(etag, DashboardAssets.load().find("/app.js").orElseThrow().headers().get("ETag"),
        "the tag depends on the bytes only");

    assertTrue(script.notModified(etag));
    assertTrue(script.notModified("W/" + etag));
    assertTrue(script.notModified("\"other\", " + etag));
    assertTrue(script.notModified("*"));
    assertFalse(script.notModified("\"other\""));
    assertFalse(script.notModified(""));
    assertFalse(script.notModified(null));
  }

  @Test
  void eachCallerGetsItsOwnReadOnlyView() {
    DashboardAsset page = assets.find("/").orElseThrow();
    ByteBuffer first = page.content();
    first.get(new byte[10]);
    ByteBuffer second = page.content();
    assertEquals(0, second.position());
    assertEquals(page.length(), second.remaining());
    assertThrows(ReadOnlyBufferException.class, () -> second.put(0, (byte) 'x'));
    assertThrows(UnsupportedOperationException.class, () -> page.headers().put("X-Evil", "1"));
  }

  /** Operators run the collector air-gapped: the page must load nothing from anywhere else. */
  @Test
  void thePageLoadsNothingFromElsewhere() {
    Matcher reference = Pattern.compile("\\s(?:src|href)=\"([^\"]*)\"").matcher(text(assets.find("/").orElseThrow()));
    int references = 0;
    while (reference.find()) {
      references++;
      String target = reference.group(1);
      assertTrue(target.matches("[\\w.-]+|#[\\w-]+|data:.*"), "not local: " + target);
    }
    assertTrue(references >= 2, "page references its script and style");

    String css = text(assets.find("/app.css").orElseThrow());
    assertFalse(css.contains("url("), "style fetches a resource");
    assertFalse(css.contains("@import"), "style imports a resource");

    String script = text(assets.find("/app.js").orElseThrow()).replace("'http://www.w3.org/2000/svg'", "");
    assertFalse(script.contains("http:") || script.contains("https:") || script.contains("'//"),
        "script names an absolute URL");
  }

  /** The script puts application strings on the page as text only; see its header comment. */
  @Test
  void theScriptNeverParsesHtml() {
    String script = text(assets.find("/app.js").orElseThrow());
    for (String sink : List.of(".innerHTML", ".outerHTML", "insertAdjacentHTML(", "document.write(", "document.writeln(",
        "DOMParser", "createContextualFragment", "eval(", "new Function")) {
      assertFalse(script.contains(sink), "app.js uses " + sink);
    }
  }

  private static String text(DashboardAsset asset) {
    return StandardCharsets.UTF_8.decode(asset.content()).toString();
  }
}
