package io.jobpulse.collector.api;

import io.jobpulse.collector.http.HttpResponses;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.DefaultHttpContent;
import io.netty.handler.codec.http.DefaultHttpResponse;
import io.netty.handler.codec.http.DefaultLastHttpContent;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import java.io.OutputStream;

/**
 * A JSON response body sent while it is written. The first {@link #CHUNK_BYTES} are held: a body
 * that ends within them goes out whole, with a {@code Content-Length}. A longer one goes out with
 * {@code Transfer-Encoding: chunked}, a chunk each time one fills, so the client reads the start of
 * a page of thousands of runs while the rest is encoded: on two cores the two overlap instead of
 * adding up (a 5,000-run page is ~4 MB).
 *
 * <p>Written by one thread, the caller's; Netty hands each write to the channel's event loop in
 * order. Exactly one of {@link #finish} and {@link #abort} ends it, and releases what it holds.
 */
final class StreamedBody extends OutputStream {

  static final int CHUNK_BYTES = 64 * 1024;

  private final ChannelHandlerContext ctx;
  private final boolean keepAlive;
  private final HttpResponseStatus status;
  private ByteBuf chunk;
  private boolean headSent;

  /** @param sizeHint the expected size in bytes: the first buffer's, up to a chunk */
  StreamedBody(ChannelHandlerContext ctx, boolean keepAlive, HttpResponseStatus status, int sizeHint) {
    this.ctx = ctx;
    this.keepAlive = keepAlive;
    this.status = status;
    this.chunk = ctx.alloc().buffer(Math.min(Math.max(sizeHint, 256), CHUNK_BYTES), CHUNK_BYTES);
  }

  @Override
  public void write(int b) {
    if (chunk.maxWritableBytes() == 0) {
      sendChunk();
    }
    chunk.writeByte(b);
  }

  @Override
  public void write(byte[] bytes, int offset, int length) {
    while (length > 0) {
      if (chunk.maxWritableBytes() == 0) {
        sendChunk();
      }
      int n = Math.min(length, chunk.maxWritableBytes());
      chunk.writeBytes(bytes, offset, n);
      offset += n;
      length -= n;
    }
  }

  /** Ends the response: what is held goes out, whole or as the last chunk. */
  void finish() {
    if (!headSent) {
      FullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, status, chunk);
      response.headers().set(HttpHeaderNames.CONTENT_TYPE, HttpHeaderValues.APPLICATION_JSON);
      response.headers().setInt(HttpHeaderNames.CONTENT_LENGTH, chunk.readableBytes());
      chunk = null;
      HttpResponses.send(ctx, keepAlive, response);
      return;
    }
    DefaultLastHttpContent last = new DefaultLastHttpContent(chunk);
    chunk = null;
    if (keepAlive) {
      ctx.writeAndFlush(last, ctx.voidPromise());
    } else {
      ctx.writeAndFlush(last).addListener(ChannelFutureListener.CLOSE);
    }
  }

  /**
   * Gives up on the body. Before any of it was sent the caller may still answer with an error;
   * after, the connection is closed, so the client sees an incomplete response, never a short
   * one taken for whole.
   */
  void abort() {
    chunk.release();
    chunk = null;
    if (headSent) {
      ctx.close();
    }
  }

  private void sendChunk() {
    if (!headSent) {
      HttpResponse head = new DefaultHttpResponse(HttpVersion.HTTP_1_1, status);
      head.headers().set(HttpHeaderNames.CONTENT_TYPE, HttpHeaderValues.APPLICATION_JSON);
      head.headers().set(HttpHeaderNames.TRANSFER_ENCODING, HttpHeaderValues.CHUNKED);
      head.headers().set(HttpHeaderNames.CONNECTION, keepAlive ? HttpHeaderValues.KEEP_ALIVE : HttpHeaderValues.CLOSE);
      ctx.write(head, ctx.voidPromise());
      headSent = true;
    }
    ctx.writeAndFlush(new DefaultHttpContent(chunk), ctx.voidPromise());
    chunk = ctx.alloc().buffer(CHUNK_BYTES, CHUNK_BYTES);
  }
}
