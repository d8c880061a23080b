package io.jobpulse.collector.testing;

import io.jobpulse.collector.CollectorConfig;
import io.jobpulse.collector.JobPulseCollector;
import java.nio.file.Path;
import java.time.Duration;
import java.util.function.UnaryOperator;

/** A real collector on ephemeral loopback ports over a data directory, for one test. */
public final class RunningCollector implements AutoCloseable {

  private final JobPulseCollector collector;

  public RunningCollector(Path dataDir) {
    this(dataDir, UnaryOperator.identity());
  }

  public RunningCollector(Path dataDir, UnaryOperator<CollectorConfig.Builder> customize) {
    CollectorConfig config = customize.apply(CollectorConfig.builder()
        .dataDir(dataDir)
        .bindHost("127.0.0.1")
        .otlpPort(0)
        .otlpGrpcPort(0)
        .httpPort(0)
        .detectorTick(Duration.ofMillis(50)))
        .build();
    collector = new JobPulseCollector(config).start();
  }

  public int otlpPort() {
    return collector.otlpPort();
  }

  public int otlpGrpcPort() {
    return collector.otlpGrpcPort();
  }

  public String otlpUrl() {
    return TestHttp.otlp(collector.otlpPort());
  }

  public String api(String pathAndQuery) {
    return "http://127.0.0.1:" + collector.httpPort() + pathAndQuery;
  }

  public JobPulseCollector collector() {
    return collector;
  }

  @Override
  public void close() {
    collector.stop();
  }
}
