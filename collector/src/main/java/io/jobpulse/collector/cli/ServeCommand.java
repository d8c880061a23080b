package io.jobpulse.collector.cli;

import io.jobpulse.collector.CollectorConfig;
import io.jobpulse.collector.JobPulseCollector;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code serve}: runs the collector until the process is told to stop (SIGTERM, Ctrl-C). */
@Command(name = "serve", mixinStandardHelpOptions = true,
    description = "Run the collector. Settings: flag > JOBPULSE_* environment > --config YAML > default.")
final class ServeCommand implements Callable<Integer> {

  static final String DATA_DIR = "data-dir";
  static final String OTLP_PORT = "otlp-port";
  static final String OTLP_GRPC_PORT = "otlp-grpc-port";
  static final String HTTP_PORT = "http-port";
  static final String HEARTBEAT_MISSES = "heartbeat-misses";
  static final String CONFIG = "config";

  @Option(names = "--" + DATA_DIR, description = "RocksDB directory (default ./jobpulse-data).")
  String dataDir;

  @Option(names = "--" + OTLP_PORT, description = "OTLP/HTTP and lease port (default 4318, 0 = any free port).")
  String otlpPort;

  @Option(names = "--" + OTLP_GRPC_PORT, description = "OTLP/gRPC port (default 4317, 0 = any free port).")
  String otlpGrpcPort;

  @Option(names = "--" + HTTP_PORT, description = "REST API and dashboard port (default 8090, 0 = any free port).")
  String httpPort;

  @Option(names = "--" + HEARTBEAT_MISSES, description = "Missed heartbeat intervals before a worker is dead (default 3).")
  String heartbeatMisses;

  @Option(names = "--" + CONFIG, description = "YAML file of settings (keys as the flags: http-port: 8090).")
  Path config;

  private final Map<String, String> environment;
  private final PrintStream out;

  ServeCommand(Map<String, String> environment, PrintStream out) {
    this.environment = environment;
    this.out = out;
  }

  @Override
  public Integer call() throws InterruptedException {
    JobPulseCollector collector = new JobPulseCollector(resolve()).start();
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      collector.stop();
      stopped.countDown();
    }, "jobpulse-shutdown"));
    out.println(startedLine(collector));
    out.println("API and dashboard: http://localhost:" + collector.httpPort() + "/");
    out.flush();
    stopped.await();
    return 0;
  }

  /** The settings from flags, environment, YAML and defaults. */
  CollectorConfig resolve() {
    Map<String, String> flags = new HashMap<>();
    putIfGiven(flags, DATA_DIR, dataDir);
    putIfGiven(flags, OTLP_PORT, otlpPort);
    putIfGiven(flags, OTLP_GRPC_PORT, otlpGrpcPort);
    putIfGiven(flags, HTTP_PORT, httpPort);
    putIfGiven(flags, HEARTBEAT_MISSES, heartbeatMisses);
    String configFile = config != null ? config.toString() : environment.get(SettingSources.environmentName(CONFIG));
    SettingSources sources = SettingSources.of(flags, environment,
        configFile == null || configFile.isBlank() ? null : Path.of(configFile));
    String dir = sources.text(DATA_DIR);
    return CollectorConfig.builder()
        .dataDir(Path.of(dir != null ? dir : CollectorConfig.DEFAULT_DATA_DIR))
        .otlpPort(sources.integer(OTLP_PORT, CollectorConfig.DEFAULT_OTLP_PORT))
        .otlpGrpcPort(sources.integer(OTLP_GRPC_PORT, CollectorConfig.DEFAULT_OTLP_GRPC_PORT))
        .httpPort(sources.integer(HTTP_PORT, CollectorConfig.DEFAULT_HTTP_PORT))
        .heartbeatMisses(sources.integer(HEARTBEAT_MISSES, CollectorConfig.DEFAULT_HEARTBEAT_MISSES))
        .build();
  }

  static String startedLine(JobPulseCollector collector) {
    return "JobPulse collector started: otlp-http=" + collector.otlpPort() + " otlp-grpc=" + collector.otlpGrpcPort()
        + " http=" + collector.httpPort() + " data-dir=" + collector.config().dataDir();
  }

  private static void putIfGiven(Map<String, String> flags, String name, String value) {
    if (value != null) {
      flags.put(name, value);
    }
  }
}
