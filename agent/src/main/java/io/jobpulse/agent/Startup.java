package io.jobpulse.agent;

import io.jobpulse.agent.bootstrap.JobPulseBridge;
import io.jobpulse.agent.config.AgentConfig;
import io.jobpulse.agent.instrument.Instrumenter;
import io.jobpulse.agent.instrument.JdkInstrumentation;
import io.jobpulse.agent.instrument.SiteTable;
import io.jobpulse.agent.instrument.executor.ExecutorInstrumentation;
import io.jobpulse.agent.instrument.process.ProcessInstrumentation;
import io.jobpulse.agent.lease.LeaseClient;
import io.jobpulse.agent.log.AgentLog;
import io.jobpulse.agent.process.ProcessParent;
import io.jobpulse.agent.report.ReportingService;
import io.jobpulse.agent.run.RunRecorder;
import java.lang.instrument.Instrumentation;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/** Wires the agent together once the bridge is on the bootstrap class path. */
final class Startup {

  /** The whole graceful exit (abandon, goodbye, flush) stays within this. */
  private static final Duration EXIT_BUDGET = Duration.ofMillis(2800);

  static void start(AgentConfig config, Instrumentation instrumentation) {
    String instanceId = UUID.randomUUID().toString();
    SiteTable sites = new SiteTable();
    ProcessParent processParent = ProcessParent.fromEnvironment(System.getenv());
    RunRecorder recorder = new RunRecorder(RunRecorder.DEFAULT_CAPACITY, RunRecorder.DEFAULT_PENDING_CAPACITY, processParent);
    ReportingService reporting = new ReportingService(config, recorder, sites, instanceId, processParent);
    LeaseClient lease = config.leaseEndpoint() == null ? null : new LeaseClient(config.leaseEndpoint(), instanceId, config.ingestToken());

    // The dispatcher goes in before the advice, so that no instrumented call is missed.
    JobPulseBridge.install(recorder);
    Runtime.getRuntime().addShutdownHook(new Thread(() -> exit(reporting, lease), "jobpulse-shutdown"));
    try {
      install(config, sites, instrumentation);
    } finally {
      // Only now the threads that build the OpenTelemetry SDK and open the lease: started first,
      // they competed for the cores with the transformers' installation, which the application's
      // main() waits for (a quarter of the agent's start-up on two cores). Runs are recorded from
      // the first call and reported once the reporter runs.
      reporting.start();
      if (lease != null) {
        lease.start();
      }
    }
  }

  private static void install(AgentConfig config, SiteTable sites, Instrumentation instrumentation) {
    List<JdkInstrumentation> jdk = new ArrayList<>();
    if (ExecutorInstrumentation.wanted(config.jobs())) {
      jdk.add(new ExecutorInstrumentation());
    }
    jdk.add(new ProcessInstrumentation());
    new Instrumenter(config.jobs(), config.items(), sites).install(instrumentation, jdk);
  }

  private static void exit(ReportingService reporting, LeaseClient lease) {
    try {
      reporting.stop(EXIT_BUDGET);
    } catch (Throwable t) {
      AgentLog.failure("graceful exit", t);
    } finally {
      // After the stop span is flushed: the collector must not take the goodbye for the end
      // before it knows which jobs were abandoned.
      if (lease != null) {
        lease.close();
      }
    }
  }

  private Startup() {}
}
