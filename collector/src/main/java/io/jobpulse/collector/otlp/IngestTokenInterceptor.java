package io.jobpulse.collector.otlp;

import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.Status;
import io.jobpulse.collector.http.BearerToken;
import io.jobpulse.contract.ConfigKeys;

/** OTLP/gRPC's side of the ingest token: a call without {@code authorization: Bearer <token>} is {@code UNAUTHENTICATED}. */
public final class IngestTokenInterceptor implements ServerInterceptor {

  private static final Metadata.Key<String> AUTHORIZATION =
      Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER);

  private final BearerToken token;

  public IngestTokenInterceptor(BearerToken token) {
    this.token = token;
  }

  @Override
  public <Q, A> ServerCall.Listener<Q> interceptCall(ServerCall<Q, A> call, Metadata headers,
      ServerCallHandler<Q, A> next) {
    if (token.allows(headers.get(AUTHORIZATION))) {
      return next.startCall(call, headers);
    }
    call.close(Status.UNAUTHENTICATED.withDescription(
        "send authorization: Bearer <the collector's ingest token> (the agent's " + ConfigKeys.INGEST_TOKEN + ")"),
        new Metadata());
    return new ServerCall.Listener<>() {};
  }
}
