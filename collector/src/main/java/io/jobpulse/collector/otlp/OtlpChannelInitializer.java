package io.jobpulse.collector.otlp;

import io.jobpulse.collector.http.BearerToken;
import io.jobpulse.collector.http.ErrorResponder;
import io.jobpulse.collector.http.MalformedRequests;
import io.jobpulse.collector.http.RequestDeadline;
import io.jobpulse.collector.ingest.IngestLoop;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpServerCodec;
import java.time.Clock;
import java.time.Duration;

/**
 * The OTLP/HTTP port's pipeline (a lease connection is rebuilt by {@link LeaseUpgrade}). The aggregator answers 413 by itself to a body over
 * {@code maxBodyBytes} (and 100-continue to senders that ask first).
 */
public final class OtlpChannelInitializer extends ChannelInitializer<SocketChannel> {

  static final String HTTP = "http";
  static final String AGGREGATOR = "aggregator";
  static final String OTLP = "otlp";

  private final int maxBodyBytes;
  private final OtlpHttpHandler handler;
  private final Duration requestTimeout;
  /** OTLP errors are {@code google.rpc.Status}; before the request's own format is known, in JSON. */
  private static final ErrorResponder ERRORS = (status, reason) ->
      OtlpHttpHandler.statusResponse(OtlpFormat.JSON, status, reason);
  private static final MalformedRequests MALFORMED = new MalformedRequests(ERRORS);

  /**
   * @param accepted told of each request once it is written, before it is acknowledged
   * @param leaseIdleTimeout how long a lease may stay silent (no {@code PING}) before it is closed
   *     and its worker declared dead
   * @param requestTimeout how long a connection may take to deliver a complete HTTP request
   * @param ingestToken what requests and leases must present as {@code Authorization: Bearer}
   * @param leases where the leases opened on this port are counted and their pings recorded
   */
  public OtlpChannelInitializer(IngestLoop ingest, AcceptedSpans accepted, Clock clock, int maxBodyBytes,
      int maxDecompressedBytes, Duration leaseIdleTimeout, Duration requestTimeout, BearerToken ingestToken,
      LeaseRegistry leases) {
    this.maxBodyBytes = maxBodyBytes;
    this.requestTimeout = requestTimeout;
    LeaseUpgrade upgrade = new LeaseUpgrade(leases, ingest, clock, leaseIdleTimeout);
    this.handler = new OtlpHttpHandler(ingest, accepted, new OtlpBodyDecoder(maxDecompressedBytes), clock, upgrade,
        ingestToken);
  }

  @Override
  protected void initChannel(SocketChannel channel) {
    ChannelPipeline pipeline = channel.pipeline();
    pipeline.addLast(HTTP, new HttpServerCodec());
    pipeline.addLast("deadline", new RequestDeadline(requestTimeout, ERRORS)); // leaves by itself on the lease's 101
    pipeline.addLast("malformed", MALFORMED);
    pipeline.addLast(AGGREGATOR, new HttpObjectAggregator(maxBodyBytes));
    pipeline.addLast(OTLP, handler);
  }
}
