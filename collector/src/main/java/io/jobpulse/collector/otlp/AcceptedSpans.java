package io.jobpulse.collector.otlp;

import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;

/**
 * Told of every OTLP request the receivers accepted, once its effects are durable and before it
 * is acknowledged: how forwarding sees exactly what the collector received, never a request that
 * was refused or lost.
 *
 * <p>Called on the ingest thread, or on a receiver's I/O thread for a request with nothing to
 * write: it must not block. The request is immutable; keep it, hand it off, never wait.
 */
@FunctionalInterface
public interface AcceptedSpans {

  /** Forwards nothing. */
  AcceptedSpans NONE = request -> {};

  void accepted(ExportTraceServiceRequest request);
}
