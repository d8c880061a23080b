package io.jobpulse.collector.otlp;

import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;

/**
 * Told of every OTLP request the receivers accepted: how forwarding sees exactly what the
 * collector received, never a request that was refused or lost.
 *
 * <p>{@link #whenWritten} is called on the receiver's I/O thread as the request is handed to the
 * ingest queue; the action it returns runs once the request's effects are durable, before it is
 * acknowledged — on the ingest thread, in the state's own order, or at once for a request with
 * nothing to write. The action must not block. It is what the queue holds until then, so it should
 * keep only what it needs: a parsed request is ~3 KB per span, and a queue of them survives young
 * collections, whose pauses stop the API too.
 */
public interface AcceptedSpans {

  /** An action that does nothing. */
  Runnable NOTHING = () -> {};

  /** Forwards nothing, and so needs no parsed requests. */
  AcceptedSpans NONE = new AcceptedSpans() {
    @Override
    public Runnable whenWritten(ExportTraceServiceRequest request, long spans) {
      return NOTHING;
    }

    @Override
    public boolean needsRequests() {
      return false;
    }
  };

  /**
   * @param request immutable; keep it only if the action needs it. {@code null} when {@link
   *     #needsRequests} is false and the receiver read the spans without parsing the request
   * @param spans how many spans the request holds, JobPulse's or not
   * @return what to do once the request is durable
   */
  Runnable whenWritten(ExportTraceServiceRequest request, long spans);

  /**
   * Whether {@link #whenWritten} wants the parsed requests. When not, a receiver may read the spans
   * it stores straight from the bytes (far cheaper than parsing the whole request) and pass none.
   */
  default boolean needsRequests() {
    return true;
  }
}
