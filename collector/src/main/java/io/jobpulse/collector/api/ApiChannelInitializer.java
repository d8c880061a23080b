package io.jobpulse.collector.api;

import io.jobpulse.collector.dashboard.DashboardAssets;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpServerCodec;
import java.util.concurrent.Executor;

/** The API port's pipeline; requests are handled on {@code handlerExecutor}, off the event loops. */
public final class ApiChannelInitializer extends ChannelInitializer<SocketChannel> {

  /** API requests carry no bodies worth more. */
  private static final int MAX_REQUEST_BYTES = 64 * 1024;

  private final ApiHandler handler;

  public ApiChannelInitializer(ApiServices services, Executor handlerExecutor) {
    this.handler = new ApiHandler(services, DashboardAssets.load(), handlerExecutor);
  }

  @Override
  protected void initChannel(SocketChannel channel) {
    channel.pipeline()
        .addLast("http", new HttpServerCodec())
        .addLast("aggregator", new HttpObjectAggregator(MAX_REQUEST_BYTES))
        .addLast("api", handler);
  }
}
