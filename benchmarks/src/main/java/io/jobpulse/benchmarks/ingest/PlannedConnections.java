package io.jobpulse.benchmarks.ingest;

import io.jobpulse.benchmarks.common.Loopback;
import io.jobpulse.benchmarks.otlp.RetryPolicy;
import io.jobpulse.contract.OtlpPaths;
import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBufInputStream;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpClientCodec;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpVersion;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceResponse;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.HdrHistogram.Histogram;

/**
 * The load generator's connections: each sends its {@link RequestPlan} over one HTTP/1.1
 * keep-alive connection, a request as soon as the previous one is answered, as an exporter does.
 * All of them share one Netty event loop, so the generator takes little of the two cores it
 * shares with the collector it measures: the JDK's {@code HttpClient} with a thread per connection
 * took about 0.3 of a core for the same requests (BENCHMARKS.md §3), CPU the collector then did
 * not have. A 429 or 503 is retried as {@link RetryPolicy} says, like {@code OtlpHttpSender};
 * other statuses and broken connections are counted as failed.
 */
final class PlannedConnections implements AutoCloseable {

  private static final int MAX_RESPONSE_BYTES = 1 << 20;

  private final EventLoopGroup loop = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
  private final String host;
  private final int port;
  private final AtomicLong throttled = new AtomicLong();
  private final AtomicLong failed = new AtomicLong();
  private final AtomicLong rejectedSpans = new AtomicLong();
  private final AtomicReference<String> firstFailure = new AtomicReference<>();

  PlannedConnections(String otlpBaseUrl) {
    URI uri = URI.create(Loopback.require(otlpBaseUrl));
    this.host = uri.getHost();
    this.port = uri.getPort();
  }

  /**
   * Opens a connection and sends {@code plan}'s requests in order, counting the spans of each
   * acknowledged one into {@code ackedSpans}, until the plan is done or {@code deadline}
   * ({@link System#nanoTime}) passed.
   *
   * @return the latency of the requests sent from {@code warmupEnd} on, once the connection is done
   */
  CompletableFuture<Histogram> send(RequestPlan plan, AtomicLong ackedSpans, long warmupEnd, long deadline) {
    Sequence sequence = new Sequence(plan, ackedSpans, warmupEnd, deadline);
    ChannelFuture connect = new Bootstrap().group(loop).channel(NioSocketChannel.class)
        .option(ChannelOption.TCP_NODELAY, true)
        .handler(new ChannelInitializer<SocketChannel>() {
          @Override
          protected void initChannel(SocketChannel channel) {
            channel.pipeline().addLast(new HttpClientCodec(), new HttpObjectAggregator(MAX_RESPONSE_BYTES), sequence);
          }
        })
        .connect(host, port);
    connect.addListener(f -> {
      if (f.isSuccess()) {
        sequence.sendNext(connect.channel());
      } else {
        fail("connect: " + f.cause());
        sequence.done.complete(sequence.latency);
      }
    });
    return sequence.done;
  }

  /** 429/503 answers received (each followed by a retry). */
  long throttled() {
    return throttled.get();
  }

  /** Requests given up on (other statuses, broken connections, too many retries). */
  long failed() {
    return failed.get();
  }

  /** Spans the collector acknowledged as rejected in a partial success. */
  long rejectedSpans() {
    return rejectedSpans.get();
  }

  /** What went wrong first, or {@code null}. */
  String firstFailure() {
    return firstFailure.get();
  }

  @Override
  public void close() {
    loop.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
  }

  private void fail(String why) {
    failed.incrementAndGet();
    firstFailure.compareAndSet(null, why);
  }

  /** One connection's requests, one in flight at a time; touched only by the event loop's thread. */
  private final class Sequence extends SimpleChannelInboundHandler<FullHttpResponse> {
    final CompletableFuture<Histogram> done = new CompletableFuture<>();
    final Histogram latency = new Histogram(TimeUnit.SECONDS.toMicros(60), 3);
    private final RequestPlan plan;
    private final AtomicLong ackedSpans;
    private final long warmupEnd;
    private final long deadline;
    private int next;
    private int attempt;
    private long sentAt;

    Sequence(RequestPlan plan, AtomicLong ackedSpans, long warmupEnd, long deadline) {
      this.plan = plan;
      this.ackedSpans = ackedSpans;
      this.warmupEnd = warmupEnd;
      this.deadline = deadline;
    }

    void sendNext(Channel channel) {
      if (next >= plan.bodies.size() || System.nanoTime() - deadline >= 0) {
        channel.close();
        done.complete(latency);
        return;
      }
      byte[] body = plan.bodies.get(next);
      FullHttpRequest request = new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.POST, OtlpPaths.TRACES,
          Unpooled.wrappedBuffer(body));
      request.headers()
          .set(HttpHeaderNames.HOST, host + ":" + port)
          .set(HttpHeaderNames.CONTENT_TYPE, "application/x-protobuf")
          .setInt(HttpHeaderNames.CONTENT_LENGTH, body.length);
      sentAt = System.nanoTime();
      channel.writeAndFlush(request);
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, FullHttpResponse response) {
      long answeredAt = System.nanoTime();
      int status = response.status().code();
      if (RetryPolicy.isRetryable(status) && attempt < RetryPolicy.MAX_RETRIES) {
        throttled.incrementAndGet();
        attempt++;
        ctx.executor().schedule(() -> resend(ctx.channel()),
            RetryPolicy.waitMillis(response.headers().get(HttpHeaderNames.RETRY_AFTER)), TimeUnit.MILLISECONDS);
        return;
      }
      if (status == 200) {
        countRejected(response);
        ackedSpans.addAndGet(plan.spanCounts[next]);
      } else {
        fail(RetryPolicy.isRetryable(status) ? "still throttled after " + RetryPolicy.MAX_RETRIES + " retries"
            : status + ": " + response.content().toString(StandardCharsets.UTF_8));
      }
      if (sentAt - warmupEnd >= 0) {
        latency.recordValue(Math.min(latency.getHighestTrackableValue(),
            TimeUnit.NANOSECONDS.toMicros(answeredAt - sentAt)));
      }
      next++;
      attempt = 0;
      sendNext(ctx.channel());
    }

    /** A retry keeps the first attempt's start: its latency is what the exporter waited in all. */
    private void resend(Channel channel) {
      long firstSentAt = sentAt;
      sendNext(channel);
      sentAt = firstSentAt;
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
      if (!done.isDone()) {
        fail("the collector closed the connection after " + next + " requests");
        done.complete(latency);
      }
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
      fail("I/O: " + cause);
      ctx.close(); // channelInactive completes the sequence
    }

    private void countRejected(FullHttpResponse response) {
      try {
        ExportTraceServiceResponse parsed = ExportTraceServiceResponse.parseFrom(new ByteBufInputStream(response.content()));
        if (parsed.hasPartialSuccess()) {
          rejectedSpans.addAndGet(parsed.getPartialSuccess().getRejectedSpans());
        }
      } catch (IOException e) {
        fail("unparseable 200 response: " + e.getMessage());
      }
    }
  }
}
