package io.jobpulse.collector;

import io.jobpulse.collector.alert.Alerting;
import io.jobpulse.collector.api.ApiChannelInitializer;
import io.jobpulse.collector.api.ApiServices;
import io.jobpulse.collector.api.LeaseStates;
import io.jobpulse.collector.health.HealthAggregator;
import io.jobpulse.collector.metrics.CollectorMetrics;
import io.jobpulse.collector.metrics.IngestCounting;
import io.jobpulse.collector.detect.HeartbeatDetector;
import io.jobpulse.collector.detect.MeasuredDetector;
import io.jobpulse.collector.detect.RunDetector;
import io.jobpulse.collector.detect.WorkerRetention;
import io.jobpulse.collector.forward.SpanForwarder;
import io.jobpulse.collector.ingest.IngestLoop;
import io.grpc.Server;
import io.grpc.ServerInterceptors;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.jobpulse.collector.http.BearerToken;
import io.jobpulse.collector.otlp.AcceptedSpans;
import io.jobpulse.collector.otlp.IngestTokenInterceptor;
import io.jobpulse.collector.otlp.LeaseRegistry;
import io.jobpulse.collector.otlp.OtlpChannelInitializer;
import io.jobpulse.collector.otlp.OtlpGrpcService;
import io.jobpulse.collector.state.JobStateMachine;
import io.jobpulse.collector.store.JobStore;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.util.concurrent.DefaultThreadFactory;
import io.netty.util.concurrent.GlobalEventExecutor;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

/**
 * One running collector: the OTLP/HTTP receiver (with the liveness lease), the OTLP/gRPC
 * receiver, the ingest thread with its state machine and
 * detector, the RocksDB store and the REST API.
 *
 * <pre>{@code
 * JobPulseCollector collector = new JobPulseCollector(CollectorConfig.builder().otlpPort(0).httpPort(0).build());
 * collector.start();
 * int otlp = collector.otlpPort();
 * ...
 * collector.stop();
 * }</pre>
 *
 * Stopping closes the receiver first (no new requests), lets the ingest thread write what it
 * accepted, closes the API and finally RocksDB.
 */
public final class JobPulseCollector implements AutoCloseable {

  private final CollectorConfig config;
  private JobStore store;
  private IngestLoop ingest;
  private SpanForwarder forwarder;
  private CollectorMetrics metrics;
  private Alerting alerting;
  private EventLoopGroup bossGroup;
  private EventLoopGroup workerGroup;
  private ExecutorService apiExecutor;
  private Channel otlpChannel;
  private Channel httpChannel;
  private Server grpcServer;
  /** Every accepted connection; closed ones leave by themselves. */
  private final ChannelGroup connections = new DefaultChannelGroup(GlobalEventExecutor.INSTANCE);
  private boolean started;
  private boolean stopped;

  public JobPulseCollector(CollectorConfig config) {
    this.config = config;
  }

  /**
   * Opens the store, rebuilds the live state and binds the ports.
   *
   * @throws IllegalStateException when already started
   * @throws io.jobpulse.collector.store.StoreException when the data directory cannot be opened
   */
  public synchronized JobPulseCollector start() {
    if (started) {
      throw new IllegalStateException("already started");
    }
    started = true;
    try {
      long startedAt = config.clock().millis();
      store = JobStore.open(config.dataDir(), config.fsync());
      JobStateMachine stateMachine = new JobStateMachine(store, config.clock());
      forwarder = config.forward().map(SpanForwarder::start).orElse(null);
      if (forwarder != null) {
        stateMachine.addListener(forwarder);
      }
      AcceptedSpans accepted = forwarder != null ? forwarder : AcceptedSpans.NONE;
      metrics = new CollectorMetrics(store);
      metrics.writtenBehind(stateMachine.currentRuns()::unwrittenCount);
      accepted = IngestCounting.spans(metrics.ingest(), accepted);
      if (forwarder != null) {
        metrics.forwarding(forwarder::exportedSpans, forwarder::droppedSpans, forwarder::failedSpans);
      }
      HealthAggregator health = new HealthAggregator(store, config.clock());
      stateMachine.addListener(health);
      stateMachine.addListener(metrics);
      if (config.alerts().enabled()) {
        alerting = Alerting.start(store, config.alerts(), config.clock(), metrics.alertOutcomes());
        stateMachine.addListener(alerting.listener());
        metrics.alertOutbox(alerting::outboxDepth);
      }
      LeaseRegistry leases = new LeaseRegistry();
      stateMachine.addListener(leases);
      // Lease pings are proof of life beside spans: a worker whose export lags but whose lease pings lives.
      HeartbeatDetector heartbeats = new HeartbeatDetector(config.heartbeatMisses(), startedAt, leases);
      RunDetector runs = new RunDetector(stateMachine, config.detection(), config.heartbeatMisses(), startedAt);
      // Dead workers first: a run whose worker died is CRASHED, whatever else it was overdue for.
      ingest = new IngestLoop(stateMachine, new MeasuredDetector(heartbeats, runs,
          new WorkerRetention(config.workerRetention()), metrics.detector()),
          config.clock(), config.ingestQueueCapacity(), config.detectorTick());
      bossGroup = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
      workerGroup = new MultiThreadIoEventLoopGroup(NioIoHandler.newFactory());
      apiExecutor = Executors.newFixedThreadPool(Math.max(2, Runtime.getRuntime().availableProcessors()),
          new DefaultThreadFactory("jobpulse-api", true));
      BearerToken ingestToken = BearerToken.of(config.ingestToken());
      OtlpChannelInitializer otlp = new OtlpChannelInitializer(ingest, accepted, config.clock(),
          config.maxRequestBytes(), config.maxDecompressedBytes(), config.leaseIdleTimeout(), config.requestTimeout(),
          ingestToken, leases);
      otlpChannel = bind(config.otlpPort(), IngestCounting.wrap(otlp, metrics.ingest()));
      LeaseStates leaseStates = id -> leases.isOpen(id) ? LeaseStates.State.CONNECTED
          : leases.everOpened(id) ? LeaseStates.State.CLOSED : LeaseStates.State.NONE;
      httpChannel = bind(config.httpPort(), new ApiChannelInitializer(new ApiServices(store, stateMachine.currentRuns(), ingest, config.clock(),
          health.report(), metrics, leaseStates, config.apiToken()), apiExecutor, config.requestTimeout()));
      grpcServer = NettyServerBuilder.forAddress(new InetSocketAddress(config.bindHost(), config.otlpGrpcPort()))
          .addService(ServerInterceptors.intercept(new OtlpGrpcService(ingest, accepted, config.clock()),
              new IngestTokenInterceptor(ingestToken), IngestCounting.grpc(metrics.ingest()))) // counted, then checked
          .maxInboundMessageSize(config.maxRequestBytes())
          .build();
      try {
        grpcServer.start();
      } catch (IOException e) {
        throw new IllegalStateException("cannot listen on " + config.bindHost() + ":" + config.otlpGrpcPort()
            + " (OTLP/gRPC): " + e.getMessage(), e);
      }
      long listeningSince = config.clock().millis();
      heartbeats.listeningSince(listeningSince);
      runs.listeningSince(listeningSince);
      // Only now may the detector judge: its first tick used to come while the ports were still
      // being bound, with the grace counted from before the store was opened, and a slow start
      // (seconds on a busy host) flagged CRASHED every live worker that could not reach it yet.
      // Requests accepted meanwhile wait in the queue.
      ingest.start();
      return this;
    } catch (RuntimeException e) {
      stop();
      throw e;
    }
  }

  /** The bound OTLP/HTTP port. */
  public int otlpPort() {
    return port(otlpChannel);
  }

  /** The bound REST API port. */
  public int httpPort() {
    return port(httpChannel);
  }

  /** The bound OTLP/gRPC port. */
  public int otlpGrpcPort() {
    if (grpcServer == null) {
      throw new IllegalStateException("not started");
    }
    return grpcServer.getPort();
  }

  public CollectorConfig config() {
    return config;
  }

  /** The forwarder when {@link CollectorConfig#forward()} is set: its counts are for /metrics. */
  public Optional<SpanForwarder> forwarder() {
    return Optional.ofNullable(forwarder);
  }

  /** Stops everything; idempotent. */
  public synchronized void stop() {
    if (stopped) {
      return;
    }
    stopped = true;
    if (otlpChannel != null) {
      otlpChannel.close().syncUninterruptibly();
    }
    if (grpcServer != null) {
      grpcServer.shutdown(); // no new calls; the ones in flight get their answer from the ingest drain
    }
    if (ingest != null) {
      ingest.close();
    }
    if (forwarder != null) {
      forwarder.close(); // after the ingest drain: the last changes are forwarded too
    }
    if (alerting != null) {
      alerting.close(); // what it could not deliver stays in the outbox for the next start
    }
    if (grpcServer != null) {
      try {
        if (!grpcServer.awaitTermination(5, TimeUnit.SECONDS)) {
          grpcServer.shutdownNow();
        }
      } catch (InterruptedException e) {
        grpcServer.shutdownNow();
        Thread.currentThread().interrupt();
      }
    }
    if (httpChannel != null) {
      httpChannel.close().syncUninterruptibly();
    }
    connections.close().syncUninterruptibly();
    for (EventLoopGroup group : new EventLoopGroup[] {bossGroup, workerGroup}) {
      if (group != null) {
        group.shutdownGracefully(0, 5, TimeUnit.SECONDS).syncUninterruptibly();
      }
    }
    if (apiExecutor != null) {
      apiExecutor.shutdown();
      try {
        apiExecutor.awaitTermination(5, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    if (store != null) {
      store.close();
    }
  }

  @Override
  public void close() {
    stop();
  }

  private Channel bind(int port, ChannelInitializer<SocketChannel> initializer) {
    ServerBootstrap bootstrap = new ServerBootstrap()
        .group(bossGroup, workerGroup)
        .channel(NioServerSocketChannel.class)
        .option(ChannelOption.SO_REUSEADDR, true)
        .childOption(ChannelOption.TCP_NODELAY, true)
        .childHandler(new ChannelInitializer<SocketChannel>() {
          @Override
          protected void initChannel(SocketChannel channel) {
            connections.add(channel);
            channel.pipeline().addLast(initializer);
          }
        });
    try {
      return bootstrap.bind(config.bindHost(), port).syncUninterruptibly().channel();
    } catch (Exception e) {
      throw new IllegalStateException("cannot listen on " + config.bindHost() + ":" + port + ": " + e.getMessage(), e);
    }
  }

  private static int port(Channel channel) {
    if (channel == null) {
      throw new IllegalStateException("not started");
    }
    return ((InetSocketAddress) channel.localAddress()).getPort();
  }
}
