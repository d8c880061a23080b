package io.jobpulse.collector.dashboard;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * The web dashboard's static files, read from the class path once at start and answered from
 * memory: {@code /} and {@code /index.html} (the page), {@code /app.js}, {@code /app.css}. Every
 * other path is not the dashboard's ({@link #find} answers empty), so the router can try it first
 * or route these four paths to it explicitly.
 *
 * <p>The page polls the REST API with relative URLs and loads nothing from elsewhere; its
 * Content-Security-Policy enforces that, so application strings shown on it (job names, reasons)
 * cannot run script even if a future edit of the page mishandled one.
 */
public final class DashboardAssets {

  private static final String PAGE = "index.html";

  /**
   * Assets are revalidated on every load: their names carry no version, so a cached copy would
   * outlive a collector upgrade. The ETag makes the revalidation a 304 with no body.
   */
  private static final String CACHE_CONTROL = "no-cache";

  private static final String CONTENT_SECURITY_POLICY =
      String.join(
          "; ",
          "default-src 'none'",
          "script-src 'self'",
          "style-src 'self'",
          "connect-src 'self'",
          "img-src 'self' data:",
          "base-uri 'none'",
          "form-action 'none'",
          "frame-ancestors 'none'");

  private static final Map<String, String> CONTENT_TYPES =
      Map.of(
          PAGE, "text/html; charset=utf-8",
          "app.js", "text/javascript; charset=utf-8",
          "app.css", "text/css; charset=utf-8");

  private final Map<String, DashboardAsset> byPath;

  private DashboardAssets(Map<String, DashboardAsset> byPath) {
    this.byPath = byPath;
  }

  /**
   * Reads the dashboard's files from the class path.
   *
   * @throws IllegalStateException when a file is missing: the collector was packaged wrongly,
   *     and failing at start says so more clearly than a 404 later
   */
  public static DashboardAssets load() {
    Map<String, DashboardAsset> byPath = new LinkedHashMap<>();
    for (Map.Entry<String, String> file : CONTENT_TYPES.entrySet()) {
      DashboardAsset asset = read(file.getKey(), file.getValue());
      byPath.put("/" + file.getKey(), asset);
      if (file.getKey().equals(PAGE)) {
        byPath.put("/", asset);
      }
    }
    return new DashboardAssets(Map.copyOf(byPath));
  }

  /**
   * The asset served at a request path, e.g. {@code /app.js}; a query string, if the caller passes
   * one along, is ignored. Empty for any path that is not one of the dashboard's.
   */
  public Optional<DashboardAsset> find(String requestPath) {
    int query = requestPath.indexOf('?');
    String path = query < 0 ? requestPath : requestPath.substring(0, query);
    return Optional.ofNullable(byPath.get(path));
  }

  private static DashboardAsset read(String name, String contentType) {
    byte[] content;
    try (InputStream in = DashboardAssets.class.getResourceAsStream(name)) {
      if (in == null) {
        throw new IllegalStateException(
            "dashboard file missing from the class path: "
                + DashboardAssets.class.getPackageName().replace('.', '/')
                + "/"
                + name);
      }
      content = in.readAllBytes();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read dashboard file " + name, e);
    }
    String etag = etagOf(content);
    Map<String, String> headers = new LinkedHashMap<>();
    headers.put("Content-Type", contentType);
    headers.put("Cache-Control", CACHE_CONTROL);
    headers.put("ETag", etag);
    headers.put("X-Content-Type-Options", "nosniff");
    if (name.equals(PAGE)) {
      headers.put("Content-Security-Policy", CONTENT_SECURITY_POLICY);
      headers.put("Referrer-Policy", "no-referrer");
    }
    return new DashboardAsset(content, etag, Collections.unmodifiableMap(headers));
  }

  /** A strong validator from the bytes, so it changes exactly when the file does. */
  private static String etagOf(byte[] content) {
    try {
      byte[] digest = MessageDigest.getInstance("SHA-256").digest(content);
      return '"' + Base64.getUrlEncoder().withoutPadding().encodeToString(digest).substring(0, 22) + '"';
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is required of every Java platform", e);
    }
  }
}
