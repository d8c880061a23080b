package io.jobpulse.collector.metrics;

import com.google.protobuf.MessageLite;
import io.grpc.ForwardingServerCall;
import io.grpc.ForwardingServerCallListener;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.Status;
import io.jobpulse.collector.otlp.AcceptedSpans;
import io.jobpulse.contract.OtlpPaths;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelPromise;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.QueryStringDecoder;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import java.util.Locale;

/**
 * Counts OTLP/HTTP traffic from outside the receiver: a handler right after the HTTP codec sees
 * each export request's body bytes as they arrive (before the aggregator may refuse them) and
 * every response on its way out, so refusals are counted by reason whoever sent them.
 */
public final class IngestCounting {

  /** {@code inner}'s pipeline with the counting handler inserted after its HTTP codec. */
  public static ChannelInitializer<SocketChannel> wrap(ChannelInitializer<SocketChannel> inner, IngestMetrics metrics) {
    Handler handler = new Handler(metrics);
    return new ChannelInitializer<>() {
      @Override
      protected void initChannel(SocketChannel channel) {
        channel.pipeline().addLast(inner); // runs inner's initChannel at once: the channel is registered
        ChannelHandlerContext codec = channel.pipeline().context(HttpServerCodec.class);
        if (codec != null) {
          channel.pipeline().addAfter(codec.name(), "ingest-metrics", handler);
        }
      }
    };
  }

  /**
   * {@code next}, counting the spans of every accepted request first (both transports). The count
   * is taken at once, so waiting for the write holds a number, not the request.
   */
  public static AcceptedSpans spans(IngestMetrics metrics, AcceptedSpans next) {
    return new AcceptedSpans() {
      @Override
      public Runnable whenWritten(ExportTraceServiceRequest request, long spans) {
        Runnable then = next.whenWritten(request, spans);
        return () -> {
          metrics.spans(spans);
          then.run();
        };
      }

      @Override
      public boolean needsRequests() {
        return next.needsRequests();
      }
    };
  }

  /** Counts OTLP/gRPC export calls, their message bytes and their failures by status code. */
  public static ServerInterceptor grpc(IngestMetrics metrics) {
    return new ServerInterceptor() {
      @Override
      public <Q, A> ServerCall.Listener<Q> interceptCall(ServerCall<Q, A> call, Metadata headers,
          ServerCallHandler<Q, A> next) {
        ServerCall<Q, A> counted = new ForwardingServerCall.SimpleForwardingServerCall<>(call) {
          @Override
          public void close(Status status, Metadata trailers) {
            if (!status.isOk()) {
              metrics.error(status.getCode().name().toLowerCase(Locale.ROOT));
            }
            super.close(status, trailers);
          }
        };
        return new ForwardingServerCallListener.SimpleForwardingServerCallListener<>(next.startCall(counted, headers)) {
          @Override
          public void onMessage(Q message) {
            metrics.grpcRequest(message instanceof MessageLite lite ? lite.getSerializedSize() : 0);
            super.onMessage(message);
          }
        };
      }
    };
  }

  static String reason(int status) {
    return switch (status) {
      case 400 -> "bad_request";
      case 401, 403 -> "unauthorized";
      case 404 -> "not_found";
      case 405 -> "method_not_allowed";
      case 413 -> "too_large";
      case 415 -> "unsupported_media_type";
      case 429, 503 -> "overloaded";
      default -> "http_" + status;
    };
  }

  /** Stateless: whether a body belongs to an export is told by the request that precedes it. */
  @ChannelHandler.Sharable
  private static final class Handler extends ChannelDuplexHandler {
    private final IngestMetrics metrics;

    Handler(IngestMetrics metrics) {
      this.metrics = metrics;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
      if (msg instanceof HttpRequest request && request.method().equals(HttpMethod.POST)
          && isTraces(request.uri())) {
        metrics.httpRequest();
      }
      if (msg instanceof HttpContent content) {
        metrics.httpBytes(content.content().readableBytes());
      }
      ctx.fireChannelRead(msg);
    }

    /** A URI that cannot be percent-decoded is not an export: MalformedRequests answers it 400. */
    private static boolean isTraces(String uri) {
      try {
        return new QueryStringDecoder(uri).path().equals(OtlpPaths.TRACES);
      } catch (IllegalArgumentException e) {
        return false;
      }
    }

    @Override
    public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
      if (msg instanceof HttpResponse response && response.status().code() >= 400) {
        metrics.error(reason(response.status().code()));
      }
      ctx.write(msg, promise);
    }
  }

  private IngestCounting() {}
}
