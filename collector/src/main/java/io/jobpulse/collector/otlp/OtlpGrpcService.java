package io.jobpulse.collector.otlp;

import io.grpc.Status;
import io.grpc.stub.StreamObserver;
import io.jobpulse.collector.ingest.IngestLoop;
import io.opentelemetry.proto.collector.trace.v1.ExportTracePartialSuccess;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceResponse;
import io.opentelemetry.proto.collector.trace.v1.TraceServiceGrpc;
import java.time.Clock;
import java.util.concurrent.CompletableFuture;

/**
 * OTLP/gRPC {@code TraceService/Export}, feeding the same decoding and ingest path as OTLP/HTTP:
 * the reply is sent once the request's effects are written. A full ingest queue is {@code
 * UNAVAILABLE}, which OTLP senders retry with backoff.
 */
public final class OtlpGrpcService extends TraceServiceGrpc.TraceServiceImplBase {

  private final IngestLoop ingest;
  private final AcceptedSpans accepted;
  private final Clock clock;

  /** @param accepted told of each request once it is written, before the reply */
  public OtlpGrpcService(IngestLoop ingest, AcceptedSpans accepted, Clock clock) {
    this.ingest = ingest;
    this.accepted = accepted;
    this.clock = clock;
  }

  @Override
  public void export(ExportTraceServiceRequest request, StreamObserver<ExportTraceServiceResponse> responses) {
    long receivedAt = clock.millis();
    DecodedSpans decoded = SpanDecoder.decode(request);
    Runnable whenWritten = accepted.whenWritten(request, decoded.spans());
    if (decoded.events().isEmpty()) {
      whenWritten.run();
      reply(responses, decoded);
      return;
    }
    CompletableFuture<Void> written = ingest.trySubmitSpans(decoded.events(), receivedAt, whenWritten);
    if (written == null) {
      responses.onError(Status.UNAVAILABLE
          .withDescription("the collector is busy (ingest queue full); retry later").asRuntimeException());
      return;
    }
    written.whenComplete((ignored, failure) -> {
      if (failure != null) {
        responses.onError(Status.UNAVAILABLE
            .withDescription("the spans could not be stored: " + failure.getMessage()).asRuntimeException());
      } else {
        reply(responses, decoded);
      }
    });
  }

  private static void reply(StreamObserver<ExportTraceServiceResponse> responses, DecodedSpans decoded) {
    ExportTraceServiceResponse.Builder response = ExportTraceServiceResponse.newBuilder();
    if (decoded.rejectedSpans() > 0) {
      response.setPartialSuccess(ExportTracePartialSuccess.newBuilder()
          .setRejectedSpans(decoded.rejectedSpans())
          .setErrorMessage(decoded.rejectionReason()));
    }
    responses.onNext(response.build());
    responses.onCompleted();
  }
}
