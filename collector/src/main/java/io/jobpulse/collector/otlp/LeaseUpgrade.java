package io.jobpulse.collector.otlp;

import io.jobpulse.collector.ingest.IngestLoop;
import io.jobpulse.contract.LeaseProtocol;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPipeline;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.LineBasedFrameDecoder;
import io.netty.handler.codec.string.StringDecoder;
import io.netty.handler.codec.string.StringEncoder;
import io.netty.handler.timeout.IdleStateHandler;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/** Rebuilds an OTLP connection's pipeline into a lease: ASCII lines, an idle timeout, the {@link LeaseHandler}. */
final class LeaseUpgrade {

  /** Lease lines are single words; anything longer is not the protocol. */
  private static final int MAX_LINE = 256;

  private final LeaseRegistry registry;
  private final IngestLoop ingest;
  private final Clock clock;
  private final long idleTimeoutMs;

  LeaseUpgrade(LeaseRegistry registry, IngestLoop ingest, Clock clock, Duration idleTimeout) {
    this.registry = registry;
    this.ingest = ingest;
    this.clock = clock;
    this.idleTimeoutMs = idleTimeout.toMillis();
  }

  /**
   * Answers 101 and rebuilds the pipeline. The lease is registered before the 101 leaves: a client
   * that reconnects closes its old lease as soon as it reads the 101, and that close must find the
   * new lease counted. The 101 is encoded synchronously (we are on the event loop) before the HTTP
   * handlers leave the pipeline.
   */
  void upgrade(ChannelHandlerContext ctx, String instanceId) {
    LeaseRegistry.Leases leases = registry.opened(instanceId);
    FullHttpResponse switching =
        new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.SWITCHING_PROTOCOLS);
    switching.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.UPGRADE);
    switching.headers().set(HttpHeaderNames.UPGRADE, LeaseProtocol.UPGRADE_TOKEN);
    ctx.writeAndFlush(switching);
    ChannelPipeline pipeline = ctx.pipeline();
    pipeline.remove(OtlpChannelInitializer.AGGREGATOR);
    pipeline.remove(OtlpChannelInitializer.HTTP);
    pipeline.addLast("lease-idle", new IdleStateHandler(idleTimeoutMs, 0, 0, TimeUnit.MILLISECONDS));
    pipeline.addLast("lease-lines", new LineBasedFrameDecoder(MAX_LINE));
    pipeline.addLast("lease-decoder", new StringDecoder(StandardCharsets.US_ASCII));
    pipeline.addLast("lease-encoder", new StringEncoder(StandardCharsets.US_ASCII));
    pipeline.addLast("lease", new LeaseHandler(instanceId, registry, leases, ingest, clock));
    pipeline.remove(OtlpChannelInitializer.OTLP);
  }
}
