package io.jobpulse.collector.http;

import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPromise;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.LastHttpContent;
import java.time.Duration;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * Closes an HTTP connection that does not deliver a complete request within the timeout, counted
 * from the connection's opening or from its last response: an idle keep-alive connection, a
 * request whose head or body never finishes (one byte now and then included). A request that had
 * begun gets a 408 first. While a request is being answered the clock is stopped: a slow answer
 * (the ingest queue, a large page) is not the sender's fault.
 *
 * <p>Placed right after the HTTP codec, so it sees requests as they are decoded and responses
 * before they are encoded. On a {@code 101 Switching Protocols} it leaves the pipeline: what
 * follows is no longer HTTP and keeps its own rules (the lease's idle timeout). One instance per
 * connection; every method runs on the connection's event loop.
 */
public final class RequestDeadline extends ChannelDuplexHandler {

  private final long timeoutNanos;
  private final ErrorResponder errors;
  private ScheduledFuture<?> deadline;
  /** A request's head arrived and its end did not yet. */
  private boolean receiving;
  /** Complete requests not answered yet (HTTP/1.1 lets a client pipeline several). */
  private int unanswered;

  public RequestDeadline(Duration timeout, ErrorResponder errors) {
    this.timeoutNanos = timeout.toNanos();
    this.errors = errors;
  }

  @Override
  public void handlerAdded(ChannelHandlerContext ctx) {
    if (ctx.channel().isActive()) {
      arm(ctx);
    }
  }

  @Override
  public void channelActive(ChannelHandlerContext ctx) {
    arm(ctx);
    ctx.fireChannelActive();
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    if (msg instanceof HttpRequest request) {
      receiving = true;
      if (request.decoderResult().isFailure()) {
        complete(); // nothing more of it will come; the answer is on its way
      }
    }
    if (msg instanceof LastHttpContent && receiving) {
      complete();
    }
    ctx.fireChannelRead(msg);
  }

  @Override
  public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
    if (msg instanceof HttpResponse response) {
      int code = response.status().code();
      if (code == HttpResponseStatus.SWITCHING_PROTOCOLS.code()) {
        disarm();
        ctx.write(msg, promise);
        ctx.pipeline().remove(this);
        return;
      }
      if (code >= 200 && unanswered > 0) {
        unanswered--; // a 100 Continue is not the answer
      }
    }
    ctx.write(msg, promise);
    if (msg instanceof LastHttpContent && unanswered == 0) {
      arm(ctx); // the last answer is out: the next request (maybe begun) has until the deadline
    }
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) {
    disarm();
    ctx.fireChannelInactive();
  }

  @Override
  public void handlerRemoved(ChannelHandlerContext ctx) {
    disarm();
  }

  private void complete() {
    receiving = false;
    unanswered++;
    disarm();
  }

  private void arm(ChannelHandlerContext ctx) {
    disarm();
    deadline = ctx.executor().schedule(() -> expire(ctx), timeoutNanos, TimeUnit.NANOSECONDS);
  }

  private void disarm() {
    if (deadline != null) {
      deadline.cancel(false);
      deadline = null;
    }
  }

  private void expire(ChannelHandlerContext ctx) {
    deadline = null;
    if (!receiving) {
      ctx.close(); // nothing begun: an idle connection just goes
      return;
    }
    receiving = false;
    HttpResponse timeout = errors.response(HttpResponseStatus.REQUEST_TIMEOUT,
        "the request was not complete within " + TimeUnit.NANOSECONDS.toMillis(timeoutNanos) + " ms");
    timeout.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
    ctx.writeAndFlush(timeout).addListener(ChannelFutureListener.CLOSE);
  }
}
