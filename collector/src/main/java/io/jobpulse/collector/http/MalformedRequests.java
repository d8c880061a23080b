package io.jobpulse.collector.http;

import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.TooLongFrameException;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.QueryStringDecoder;
import io.netty.handler.codec.http.TooLongHttpHeaderException;
import io.netty.handler.codec.http.TooLongHttpLineException;
import io.netty.util.ReferenceCountUtil;

/**
 * Answers the requests the HTTP codec could not decode, or whose URI cannot be percent-decoded,
 * before any handler sees them: 414 for a request line over the limit, 431 for headers over it, 400
 * for the rest, each with the reason, then closes the connection (the codec discards everything
 * after a bad message, so the connection is of no further use). Without it such a request reaches
 * the handlers as a {@code GET /bad-request} or makes them throw.
 */
@ChannelHandler.Sharable
public final class MalformedRequests extends ChannelInboundHandlerAdapter {

  private final ErrorResponder errors;

  public MalformedRequests(ErrorResponder errors) {
    this.errors = errors;
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    if (!(msg instanceof HttpRequest request)) {
      ctx.fireChannelRead(msg);
      return;
    }
    FullHttpResponse refusal = refusal(request);
    if (refusal == null) {
      ctx.fireChannelRead(msg);
      return;
    }
    ReferenceCountUtil.release(msg);
    refusal.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
    ctx.writeAndFlush(refusal).addListener(ChannelFutureListener.CLOSE);
  }

  private FullHttpResponse refusal(HttpRequest request) {
    if (request.decoderResult().isFailure()) {
      Throwable cause = request.decoderResult().cause();
      if (cause instanceof TooLongHttpLineException) {
        return errors.response(HttpResponseStatus.REQUEST_URI_TOO_LONG, "the request line is too long: " + cause.getMessage());
      }
      if (cause instanceof TooLongHttpHeaderException) {
        return errors.response(HttpResponseStatus.REQUEST_HEADER_FIELDS_TOO_LARGE,
            "the request headers are too large: " + cause.getMessage());
      }
      if (cause instanceof TooLongFrameException) {
        return errors.response(HttpResponseStatus.REQUEST_ENTITY_TOO_LARGE, cause.getMessage());
      }
      return errors.response(HttpResponseStatus.BAD_REQUEST, "malformed HTTP request: " + cause.getMessage());
    }
    try {
      QueryStringDecoder uri = new QueryStringDecoder(request.uri());
      uri.path();
      uri.parameters();
    } catch (IllegalArgumentException e) {
      return errors.response(HttpResponseStatus.BAD_REQUEST, "malformed request URI: " + e.getMessage());
    }
    return null;
  }
}
