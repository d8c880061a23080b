package io.jobpulse.collector.otlp;

import com.fasterxml.jackson.core.io.JsonStringEncoder;
import com.google.protobuf.CodedOutputStream;
import io.jobpulse.collector.http.BearerToken;
import io.jobpulse.collector.http.HttpResponses;
import io.jobpulse.collector.ingest.IngestLoop;
import io.jobpulse.contract.ConfigKeys;
import io.jobpulse.contract.LeaseProtocol;
import io.jobpulse.contract.OtlpPaths;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.QueryStringDecoder;
import io.opentelemetry.proto.collector.trace.v1.ExportTracePartialSuccess;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceResponse;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.concurrent.CompletableFuture;

/**
 * {@code POST /v1/traces} per the OTLP/HTTP specification, and the upgrade to the liveness lease
 * ({@link LeaseProtocol#PATH}). The body is decoded on the event loop
 * (CPU only, bounded by the size limits); its effects are handed to the ingest thread, and the
 * 200 is sent once they are written to RocksDB, so an acknowledged request is durable. Stateless,
 * so one instance serves every connection.
 */
@ChannelHandler.Sharable
final class OtlpHttpHandler extends SimpleChannelInboundHandler<FullHttpRequest> {

  /** Seconds a sender should wait before retrying when the ingest queue is full. */
  static final int RETRY_AFTER_SECONDS = 1;

  private final IngestLoop ingest;
  private final AcceptedSpans accepted;
  private final OtlpBodyDecoder decoder;
  private final Clock clock;
  private final LeaseUpgrade leases;
  private final BearerToken ingestToken;

  OtlpHttpHandler(IngestLoop ingest, AcceptedSpans accepted, OtlpBodyDecoder decoder, Clock clock,
      LeaseUpgrade leases, BearerToken ingestToken) {
    this.ingest = ingest;
    this.accepted = accepted;
    this.decoder = decoder;
    this.clock = clock;
    this.leases = leases;
    this.ingestToken = ingestToken;
  }

  @Override
  protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest request) {
    long receivedAt = clock.millis();
    boolean keepAlive = HttpUtil.isKeepAlive(request);
    OtlpFormat format = OtlpFormat.ofMediaType(HttpUtil.getMimeType(request));
    OtlpFormat replyFormat = format != null ? format : OtlpFormat.JSON;
    String path = new QueryStringDecoder(request.uri()).path();
    if ((path.equals(LeaseProtocol.PATH) || path.equals(OtlpPaths.TRACES))
        && !ingestToken.allows(request.headers().get(HttpHeaderNames.AUTHORIZATION))) {
      FullHttpResponse response = statusResponse(replyFormat, HttpResponseStatus.UNAUTHORIZED,
          "send Authorization: Bearer <the collector's ingest token> (the agent's " + ConfigKeys.INGEST_TOKEN + ")");
      response.headers().set(HttpHeaderNames.WWW_AUTHENTICATE, "Bearer");
      HttpResponses.send(ctx, keepAlive, response);
      return;
    }
    if (path.equals(LeaseProtocol.PATH)) {
      upgradeToLease(ctx, request, keepAlive);
      return;
    }
    if (!path.equals(OtlpPaths.TRACES)) {
      sendStatus(ctx, keepAlive, replyFormat, HttpResponseStatus.NOT_FOUND,
          "no such path " + path + "; OTLP traces go to POST " + OtlpPaths.TRACES);
      return;
    }
    if (!request.method().equals(HttpMethod.POST)) {
      FullHttpResponse response = statusResponse(replyFormat, HttpResponseStatus.METHOD_NOT_ALLOWED,
          request.method() + " is not allowed on " + OtlpPaths.TRACES + "; use POST");
      response.headers().set(HttpHeaderNames.ALLOW, HttpMethod.POST.name());
      HttpResponses.send(ctx, keepAlive, response);
      return;
    }
    if (format == null) {
      sendStatus(ctx, keepAlive, replyFormat, HttpResponseStatus.UNSUPPORTED_MEDIA_TYPE,
          "unsupported Content-Type '" + request.headers().get(HttpHeaderNames.CONTENT_TYPE)
              + "': use application/x-protobuf or application/json");
      return;
    }
    String contentEncoding = request.headers().get(HttpHeaderNames.CONTENT_ENCODING);
    DecodedSpans decoded;
    Runnable whenWritten;
    try {
      if (accepted.needsRequests()) {
        ExportTraceServiceRequest export = decoder.decode(request.content(), format, contentEncoding);
        decoded = SpanDecoder.decode(export);
        whenWritten = accepted.whenWritten(export, decoded.spans());
      } else {
        decoded = decoder.decodeSpans(request.content(), format, contentEncoding);
        whenWritten = accepted.whenWritten(null, decoded.spans());
      }
    } catch (OtlpException e) {
      sendStatus(ctx, keepAlive, format, e.status(), e.getMessage());
      return;
    }
    if (decoded.events().isEmpty()) {
      whenWritten.run();
      sendSuccess(ctx, keepAlive, format, decoded);
      return;
    }
    CompletableFuture<Void> written = ingest.trySubmitSpans(decoded.events(), receivedAt, whenWritten);
    if (written == null) {
      sendUnavailable(ctx, keepAlive, format, "the collector is busy (ingest queue full); retry later");
      return;
    }
    written.whenComplete((ignored, failure) -> {
      if (failure != null) {
        sendUnavailable(ctx, keepAlive, format, "the spans could not be stored: " + failure.getMessage());
      } else {
        sendSuccess(ctx, keepAlive, format, decoded);
      }
    });
  }

  /**
   * {@code GET /v1/jobpulse/lease} with {@code Connection: Upgrade}, {@code Upgrade:
   * jobpulse-lease}: checks the request and lets {@link LeaseUpgrade} switch protocols.
   */
  private void upgradeToLease(ChannelHandlerContext ctx, FullHttpRequest request, boolean keepAlive) {
    String instanceId = request.headers().get(LeaseProtocol.INSTANCE_ID_HEADER);
    String refusal = null;
    if (!request.method().equals(HttpMethod.GET)) {
      refusal = "the lease is opened with GET";
    } else if (!request.headers().containsValue(HttpHeaderNames.CONNECTION, HttpHeaderValues.UPGRADE, true)
        || !LeaseProtocol.UPGRADE_TOKEN.equalsIgnoreCase(request.headers().get(HttpHeaderNames.UPGRADE))) {
      refusal = "expected Connection: Upgrade and Upgrade: " + LeaseProtocol.UPGRADE_TOKEN;
    } else if (instanceId == null || instanceId.isBlank()) {
      refusal = "missing " + LeaseProtocol.INSTANCE_ID_HEADER;
    }
    if (refusal != null) {
      sendStatus(ctx, keepAlive, OtlpFormat.JSON, HttpResponseStatus.BAD_REQUEST, refusal);
      return;
    }
    leases.upgrade(ctx, instanceId.trim());
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    ctx.close();
  }

  private static void sendSuccess(ChannelHandlerContext ctx, boolean keepAlive, OtlpFormat format, DecodedSpans decoded) {
    ExportTraceServiceResponse.Builder response = ExportTraceServiceResponse.newBuilder();
    if (decoded.rejectedSpans() > 0) {
      response.setPartialSuccess(ExportTracePartialSuccess.newBuilder()
          .setRejectedSpans(decoded.rejectedSpans())
          .setErrorMessage(decoded.rejectionReason()));
    }
    byte[] body = format == OtlpFormat.JSON
        ? OtlpJson.print(response).getBytes(StandardCharsets.UTF_8)
        : response.build().toByteArray();
    HttpResponses.send(ctx, keepAlive, HttpResponses.of(HttpResponseStatus.OK, format.contentType(), body));
  }

  private static void sendUnavailable(ChannelHandlerContext ctx, boolean keepAlive, OtlpFormat format, String reason) {
    FullHttpResponse response = statusResponse(format, HttpResponseStatus.SERVICE_UNAVAILABLE, reason);
    response.headers().setInt(HttpHeaderNames.RETRY_AFTER, RETRY_AFTER_SECONDS);
    HttpResponses.send(ctx, keepAlive, response);
  }

  private static void sendStatus(ChannelHandlerContext ctx, boolean keepAlive, OtlpFormat format,
      HttpResponseStatus status, String reason) {
    HttpResponses.send(ctx, keepAlive, statusResponse(format, status, reason));
  }

  /**
   * An error response: per the OTLP specification its body is a {@code google.rpc.Status} in the
   * request's encoding. That message is not part of opentelemetry-proto; its two fields used here
   * (1: code, 2: message) are written with protobuf's own encoder.
   */
  static FullHttpResponse statusResponse(OtlpFormat format, HttpResponseStatus status, String reason) {
    int code = grpcCode(status);
    byte[] body;
    if (format == OtlpFormat.JSON) {
      body = jsonStatus(code, reason);
    } else {
      ByteArrayOutputStream bytes = new ByteArrayOutputStream();
      CodedOutputStream out = CodedOutputStream.newInstance(bytes);
      try {
        out.writeInt32(1, code);
        out.writeString(2, reason);
        out.flush();
      } catch (IOException e) {
        throw new IllegalStateException(e); // in-memory stream
      }
      body = bytes.toByteArray();
    }
    return HttpResponses.of(status, format.contentType(), body);
  }

  private static byte[] jsonStatus(int code, String reason) {
    return ("{\"code\":" + code + ",\"message\":\""
        + new String(JsonStringEncoder.getInstance().quoteAsString(reason)) + "\"}").getBytes(StandardCharsets.UTF_8);
  }

  /** The gRPC status code matching an HTTP error, as OTLP/gRPC would report it. */
  private static int grpcCode(HttpResponseStatus status) {
    return switch (status.code()) {
      case 400 -> 3; // INVALID_ARGUMENT
      case 401 -> 16; // UNAUTHENTICATED
      case 408 -> 4; // DEADLINE_EXCEEDED
      case 404, 405, 415 -> 12; // UNIMPLEMENTED
      case 413 -> 8; // RESOURCE_EXHAUSTED
      case 503 -> 14; // UNAVAILABLE
      default -> 2; // UNKNOWN
    };
  }
}
