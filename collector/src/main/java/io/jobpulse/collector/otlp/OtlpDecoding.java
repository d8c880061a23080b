package io.jobpulse.collector.otlp;

import io.jobpulse.collector.state.SpanEvent;
import io.netty.buffer.ByteBuf;
import java.util.List;

/**
 * What the OTLP/HTTP receiver does to a request body on the event loop when nothing forwards the
 * spans, as one public call: from the body's bytes to the events queued for the ingest thread. For
 * measuring that path from outside this package (benchmarks); the receiver makes the same call.
 */
public final class OtlpDecoding {

  private final OtlpBodyDecoder bodies;

  /** @param maxDecompressedBytes the bound on a gzip'ed body, as the receiver's */
  public OtlpDecoding(int maxDecompressedBytes) {
    this.bodies = new OtlpBodyDecoder(maxDecompressedBytes);
  }

  /**
   * Decodes {@code body} (left as it is: its reader index does not move) as a request with these
   * headers. JobPulse spans too broken to use are left out, as the receiver leaves them out.
   *
   * @param mediaType the Content-Type without parameters
   * @param contentEncoding the Content-Encoding, or {@code null}
   * @throws IllegalArgumentException with the receiver's status and reason when it would refuse
   *     the request
   */
  public List<SpanEvent> decode(ByteBuf body, String mediaType, String contentEncoding) {
    OtlpFormat format = OtlpFormat.ofMediaType(mediaType);
    if (format == null) {
      throw new IllegalArgumentException("unsupported Content-Type '" + mediaType + "'");
    }
    try {
      return bodies.decodeSpans(body, format, contentEncoding).events();
    } catch (OtlpException e) {
      throw new IllegalArgumentException(e.status() + ": " + e.getMessage(), e);
    }
  }
}
