package io.jobpulse.collector.otlp;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufInputStream;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.util.concurrent.FastThreadLocal;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.Locale;
import java.util.zip.GZIPInputStream;
import java.util.zip.ZipException;

/**
 * Turns a request body (maybe gzip'ed, protobuf or JSON) into an {@link ExportTraceServiceRequest}
 * or straight into its JobPulse spans. The body is read where it lies: its reader index does not
 * move.
 */
final class OtlpBodyDecoder {

  /**
   * A body the aggregator gathered from several socket reads is no single array; it is copied
   * here, once per thread (an event loop), to be parsed. The parsers copy out everything they
   * keep (protobuf's strings and ids, aliasing being off; Jackson's tree), so the array is free
   * again once they return, and a request costs no array of its own size. Bodies over {@link
   * #MAX_SCRATCH_BYTES} get an array of their own, which bounds what a thread keeps.
   */
  private static final FastThreadLocal<byte[]> SCRATCH = new FastThreadLocal<>() {
    @Override
    protected byte[] initialValue() {
      return new byte[64 * 1024];
    }
  };
  private static final int MAX_SCRATCH_BYTES = 1024 * 1024;

  private final int maxDecompressedBytes;

  OtlpBodyDecoder(int maxDecompressedBytes) {
    this.maxDecompressedBytes = maxDecompressedBytes;
  }

  /** The request as parsed messages: for a caller that keeps it (forwarding). */
  ExportTraceServiceRequest decode(ByteBuf body, OtlpFormat format, String contentEncoding) throws OtlpException {
    return read(body, contentEncoding, (bytes, offset, length) -> parse(format, bytes, offset, length));
  }

  /**
   * The request's JobPulse spans: protobuf read straight from its bytes ({@link WireSpans}),
   * without building the request's messages; JSON parsed first.
   */
  DecodedSpans decodeSpans(ByteBuf body, OtlpFormat format, String contentEncoding) throws OtlpException {
    return read(body, contentEncoding, format == OtlpFormat.JSON
        ? (bytes, offset, length) -> SpanDecoder.decode(OtlpJson.parse(bytes, offset, length))
        : SpanDecoder::decode);
  }

  /** Hands {@code reader} the body's bytes, inflated when they are gzip'ed. */
  private <T> T read(ByteBuf body, String contentEncoding, BodyReader<T> reader) throws OtlpException {
    String encoding = contentEncoding == null ? "identity" : contentEncoding.trim().toLowerCase(Locale.ROOT);
    switch (encoding) {
      case "identity", "":
        if (body.hasArray()) {
          return reader.read(body.array(), body.arrayOffset() + body.readerIndex(), body.readableBytes());
        }
        int length = body.readableBytes();
        byte[] bytes = length <= MAX_SCRATCH_BYTES ? scratch(length) : new byte[length];
        body.getBytes(body.readerIndex(), bytes, 0, length);
        return reader.read(bytes, 0, length);
      case "gzip":
        byte[] inflated = gunzip(body);
        return reader.read(inflated, 0, inflated.length);
      default:
        throw new OtlpException(HttpResponseStatus.UNSUPPORTED_MEDIA_TYPE,
            "unsupported Content-Encoding '" + contentEncoding + "': use gzip or none");
    }
  }

  /** Reads a request out of {@code bytes[offset, offset + length)}, which it must not keep. */
  @FunctionalInterface
  private interface BodyReader<T> {
    T read(byte[] bytes, int offset, int length) throws OtlpException;
  }

  private static ExportTraceServiceRequest parse(OtlpFormat format, byte[] bytes, int offset, int length)
      throws OtlpException {
    if (format == OtlpFormat.JSON) {
      return OtlpJson.parse(bytes, offset, length);
    }
    try {
      // The parser's byte[] entry, not a CodedInputStream's: it also refuses a stray end-group tag.
      return ExportTraceServiceRequest.parser().parseFrom(bytes, offset, length);
    } catch (IOException e) {
      throw new OtlpException(HttpResponseStatus.BAD_REQUEST,
          "malformed protobuf ExportTraceServiceRequest: " + e.getMessage());
    }
  }

  /** This thread's scratch array, grown to at least {@code length} bytes. */
  private static byte[] scratch(int length) {
    byte[] scratch = SCRATCH.get();
    if (scratch.length < length) {
      scratch = new byte[Math.min(MAX_SCRATCH_BYTES, Math.max(length, 2 * scratch.length))];
      SCRATCH.set(scratch);
    }
    return scratch;
  }

  /** Inflates at most {@code maxDecompressedBytes}: a small bomb must not fill the heap. */
  private byte[] gunzip(ByteBuf body) throws OtlpException {
    try (InputStream in = new GZIPInputStream(new ByteBufInputStream(body.duplicate()))) {
      ByteArrayOutputStream out = new ByteArrayOutputStream(Math.min(maxDecompressedBytes, body.readableBytes() * 4));
      byte[] chunk = new byte[8192];
      for (int n; (n = in.read(chunk)) > 0; ) {
        if (out.size() + n > maxDecompressedBytes) {
          throw new OtlpException(HttpResponseStatus.REQUEST_ENTITY_TOO_LARGE,
              "the decompressed body exceeds " + maxDecompressedBytes + " bytes");
        }
        out.write(chunk, 0, n);
      }
      return out.toByteArray();
    } catch (ZipException | java.io.EOFException e) {
      throw new OtlpException(HttpResponseStatus.BAD_REQUEST, "malformed gzip body: " + e.getMessage());
    } catch (IOException e) {
      throw new OtlpException(HttpResponseStatus.BAD_REQUEST, "cannot read the gzip body: " + e.getMessage());
    }
  }
}
