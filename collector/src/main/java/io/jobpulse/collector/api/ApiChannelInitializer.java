package io.jobpulse.collector.api;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.jobpulse.collector.dashboard.DashboardAssets;
import io.jobpulse.collector.http.ErrorResponder;
import io.jobpulse.collector.http.HttpResponses;
import io.jobpulse.collector.http.MalformedRequests;
import io.jobpulse.collector.http.RequestDeadline;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpServerCodec;
import java.time.Duration;
import java.util.concurrent.Executor;

/** The API port's pipeline; requests are handled on {@code handlerExecutor}, off the event loops. */
public final class ApiChannelInitializer extends ChannelInitializer<SocketChannel> {

  /** API requests carry no bodies worth more. */
  private static final int MAX_REQUEST_BYTES = 64 * 1024;

  private static final ObjectMapper JSON = new ObjectMapper();
  /** Refusals before the handler: the API's {@code {"error":...}}. */
  private static final ErrorResponder ERRORS = (status, reason) -> {
    byte[] body;
    try {
      body = JSON.writeValueAsBytes(JSON.createObjectNode().put("error", reason));
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
    return HttpResponses.of(status, HttpHeaderValues.APPLICATION_JSON, body);
  };
  private static final MalformedRequests MALFORMED = new MalformedRequests(ERRORS);

  private final ApiHandler handler;
  private final Duration requestTimeout;

  /** @param requestTimeout how long a connection may take to deliver a complete request */
  public ApiChannelInitializer(ApiServices services, Executor handlerExecutor, Duration requestTimeout) {
    this.handler = new ApiHandler(services, DashboardAssets.load(), handlerExecutor);
    this.requestTimeout = requestTimeout;
  }

  @Override
  protected void initChannel(SocketChannel channel) {
    channel.pipeline()
        .addLast("http", new HttpServerCodec())
        .addLast("deadline", new RequestDeadline(requestTimeout, ERRORS))
        .addLast("malformed", MALFORMED)
        .addLast("aggregator", new HttpObjectAggregator(MAX_REQUEST_BYTES))
        .addLast("api", handler);
  }
}
