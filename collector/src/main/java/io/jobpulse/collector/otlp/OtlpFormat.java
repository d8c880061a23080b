package io.jobpulse.collector.otlp;

import io.netty.handler.codec.http.HttpHeaderValues;
import java.util.Locale;

/** The two OTLP/HTTP encodings; a response uses the request's. */
enum OtlpFormat {
  PROTOBUF("application/x-protobuf"),
  JSON(HttpHeaderValues.APPLICATION_JSON.toString());

  private final String contentType;

  OtlpFormat(String contentType) {
    this.contentType = contentType;
  }

  String contentType() {
    return contentType;
  }

  /** The format of a request's media type (parameters already stripped), or {@code null}. */
  static OtlpFormat ofMediaType(CharSequence mediaType) {
    if (mediaType == null) {
      return null;
    }
    String type = mediaType.toString().trim().toLowerCase(Locale.ROOT);
    if (type.equals(PROTOBUF.contentType)) {
      return PROTOBUF;
    }
    return type.equals(JSON.contentType) ? JSON : null;
  }
}
