package io.jobpulse.collector.otlp;

import io.netty.handler.codec.http.HttpResponseStatus;

/** A request the receiver refuses, with the HTTP status and a reason for the sender. */
final class OtlpException extends Exception {
  private final HttpResponseStatus status;

  OtlpException(HttpResponseStatus status, String reason) {
    super(reason, null, false, false);
    this.status = status;
  }

  HttpResponseStatus status() {
    return status;
  }
}
