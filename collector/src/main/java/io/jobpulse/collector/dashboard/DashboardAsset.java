package io.jobpulse.collector.dashboard;

import java.nio.ByteBuffer;
import java.util.Map;

/**
 * One static file of the dashboard, held in memory: its bytes and the response headers to send
 * with them (content type, cache validators, security headers). Immutable and shareable between
 * threads; the router copies {@link #headers()} onto its response and writes {@link #content()}.
 */
public final class DashboardAsset {

  private final ByteBuffer content;
  private final String etag;
  private final Map<String, String> headers;

  DashboardAsset(byte[] content, String etag, Map<String, String> headers) {
    this.content = ByteBuffer.wrap(content).asReadOnlyBuffer();
    this.etag = etag;
    this.headers = headers;
  }

  /**
   * The file's bytes as a read-only buffer of its own (position 0, limit = length), so callers may
   * consume it freely; {@code Unpooled.wrappedBuffer(asset.content())} serves it without a copy.
   */
  public ByteBuffer content() {
    return content.duplicate();
  }

  /** The file's length in bytes, for {@code Content-Length}. */
  public int length() {
    return content.capacity();
  }

  /**
   * Response headers by name, in a stable order: {@code Content-Type}, {@code Cache-Control},
   * {@code ETag}, {@code X-Content-Type-Options}, and for the page itself
   * {@code Content-Security-Policy} and {@code Referrer-Policy}. Unmodifiable.
   */
  public Map<String, String> headers() {
    return headers;
  }

  /**
   * Whether a request carrying this {@code If-None-Match} header value should get {@code 304 Not
   * Modified}: it names this file's entity tag (weak comparison, as RFC 9110 asks for this header)
   * or is {@code *}. A {@code null} header never matches.
   */
  public boolean notModified(String ifNoneMatch) {
    if (ifNoneMatch == null) {
      return false;
    }
    for (String candidate : ifNoneMatch.split(",")) {
      String tag = candidate.trim();
      if (tag.startsWith("W/")) {
        tag = tag.substring(2);
      }
      if (tag.equals("*") || tag.equals(etag)) {
        return true;
      }
    }
    return false;
  }
}
