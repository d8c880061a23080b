package io.jobpulse.collector.otlp;

import com.google.protobuf.InvalidProtocolBufferException;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufInputStream;
import io.netty.buffer.ByteBufUtil;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.Locale;
import java.util.zip.GZIPInputStream;
import java.util.zip.ZipException;

/** Turns a request body (maybe gzip'ed, protobuf or JSON) into an {@link ExportTraceServiceRequest}. */
final class OtlpBodyDecoder {

  private final int maxDecompressedBytes;

  OtlpBodyDecoder(int maxDecompressedBytes) {
    this.maxDecompressedBytes = maxDecompressedBytes;
  }

  ExportTraceServiceRequest decode(ByteBuf body, OtlpFormat format, String contentEncoding) throws OtlpException {
    byte[] bytes = content(body, contentEncoding);
    if (format == OtlpFormat.JSON) {
      return OtlpJson.parse(bytes);
    }
    try {
      return ExportTraceServiceRequest.parseFrom(bytes);
    } catch (InvalidProtocolBufferException e) {
      throw new OtlpException(HttpResponseStatus.BAD_REQUEST,
          "malformed protobuf ExportTraceServiceRequest: " + e.getMessage());
    }
  }

  private byte[] content(ByteBuf body, String contentEncoding) throws OtlpException {
    String encoding = contentEncoding == null ? "identity" : contentEncoding.trim().toLowerCase(Locale.ROOT);
    switch (encoding) {
      case "identity", "":
        return ByteBufUtil.getBytes(body);
      case "gzip":
        return gunzip(body);
      default:
        throw new OtlpException(HttpResponseStatus.UNSUPPORTED_MEDIA_TYPE,
            "unsupported Content-Encoding '" + contentEncoding + "': use gzip or none");
    }
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
