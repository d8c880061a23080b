package io.jobpulse.collector.http;

import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;

/** Builds a port's error response in its own dialect (OTLP's {@code google.rpc.Status}, the API's {@code {"error":...}}). */
@FunctionalInterface
public interface ErrorResponder {

  FullHttpResponse response(HttpResponseStatus status, String reason);
}
