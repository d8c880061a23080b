package io.jobpulse.collector.otlp;

import io.jobpulse.collector.ingest.IngestLoop;
import io.jobpulse.contract.LeaseProtocol;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.EventLoop;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.timeout.IdleStateEvent;
import java.time.Clock;
import java.util.concurrent.TimeUnit;

/**
 * One worker's liveness lease, after the upgrade: answers {@code PING} with {@code PONG} and
 * records its receive time in the registry (proof of life for the heartbeat detector), remembers
 * {@code BYE}. When the worker's side ends the connection without a goodbye (the OS closed a killed
 * process's socket) the worker is declared dead at once, its running jobs {@code CRASHED}, latency
 * measured from the close. A lease that goes silent is closed by the collector but proves no death:
 * a frozen JVM, a long garbage-collection pause and a network partition all look alike from here,
 * so the heartbeat rule ({@code HeartbeatDetector}) judges the worker from its last ping, as
 * DESIGN.md has heartbeats judge frozen processes. {@link LeaseUpgrade} counted the lease open in
 * the registry; this handler counts it closed.
 */
final class LeaseHandler extends SimpleChannelInboundHandler<String> {

  private static final System.Logger LOG = System.getLogger(LeaseHandler.class.getName());
  static final String CLOSED_WITHOUT_GOODBYE = "lease connection closed without goodbye";
  private static final int SUBMIT_ATTEMPTS = 50;
  private static final long SUBMIT_RETRY_MS = 100;

  private final String instanceId;
  private final LeaseRegistry registry;
  private final LeaseRegistry.Leases leases;
  private final IngestLoop ingest;
  private final Clock clock;
  private boolean goodbye;
  /** The collector closed the lease because no ping came within the idle timeout. */
  private boolean silent;

  /** @param leases the worker's entry in {@code registry}, as {@link LeaseRegistry#opened} returned it */
  LeaseHandler(String instanceId, LeaseRegistry registry, LeaseRegistry.Leases leases, IngestLoop ingest, Clock clock) {
    this.instanceId = instanceId;
    this.registry = registry;
    this.leases = leases;
    this.ingest = ingest;
    this.clock = clock;
  }

  @Override
  protected void channelRead0(ChannelHandlerContext ctx, String line) {
    switch (line.trim()) {
      case LeaseProtocol.PING -> {
        leases.pinged(clock.millis());
        ctx.writeAndFlush(LeaseProtocol.PONG + "\n", ctx.voidPromise());
      }
      case LeaseProtocol.BYE -> goodbye = true;
      default -> { } // unknown lines are ignored: a newer agent may say more
    }
  }

  @Override
  public void userEventTriggered(ChannelHandlerContext ctx, Object event) {
    if (event instanceof IdleStateEvent) {
      // Silent for too long: a frozen or paused process keeps its socket but stops pinging. The
      // socket is let go; the verdict is the heartbeat rule's, from the last ping.
      silent = true;
      ctx.close();
    } else {
      ctx.fireUserEventTriggered(event);
    }
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) {
    long closedAt = clock.millis();
    // A collector that is stopping closes every lease itself: that says nothing about the workers.
    if (registry.closed(instanceId) && !goodbye && !silent && ingest.isAccepting()) {
      declareDead(ctx.channel().eventLoop(), closedAt, SUBMIT_ATTEMPTS);
    }
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    ctx.close(); // a reset connection is a close like any other
  }

  /** Hands the verdict to the ingest thread, retrying briefly while its queue is full. */
  private void declareDead(EventLoop loop, long closedAt, int attemptsLeft) {
    if (ingest.trySubmit(stateMachine -> stateMachine.declareDead(instanceId, CLOSED_WITHOUT_GOODBYE, closedAt)) != null) {
      return;
    }
    if (attemptsLeft > 1 && !loop.isShuttingDown()) {
      loop.schedule(() -> declareDead(loop, closedAt, attemptsLeft - 1), SUBMIT_RETRY_MS, TimeUnit.MILLISECONDS);
    } else {
      LOG.log(System.Logger.Level.WARNING, "lease of worker " + instanceId
          + " closed without goodbye but the ingest queue stayed full; the heartbeat timeout will flag it");
    }
  }
}
