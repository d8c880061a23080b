package io.jobpulse.agent.report;

import io.jobpulse.agent.config.AgentConfig;
import io.jobpulse.agent.instrument.SiteTable;
import io.jobpulse.agent.log.AgentLog;
import io.jobpulse.agent.process.ProcessParent;
import io.jobpulse.agent.run.RunRecorder;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * The reporter thread: builds the SDK (off the application's startup path: the host name lookup
 * may be slow), then ticks the {@link Reporter} until the JVM exits.
 */
public final class ReportingService {

  private static final long TICK_NANOS = TimeUnit.MILLISECONDS.toNanos(25);

  private final AgentConfig config;
  private final RunRecorder recorder;
  private final SiteTable sites;
  private final String instanceId;
  private final ProcessParent processParent;
  private final Thread thread;
  private final CountDownLatch ready = new CountDownLatch(1);

  private volatile boolean stopping;
  private volatile Telemetry telemetry;
  private volatile Reporter reporter;

  /** {@code processParent}: the job in another process that started this one, or {@code null}. */
  public ReportingService(AgentConfig config, RunRecorder recorder, SiteTable sites, String instanceId, ProcessParent processParent) {
    this.config = config;
    this.processParent = processParent;
    this.recorder = recorder;
    this.sites = sites;
    this.instanceId = instanceId;
    this.thread = new Thread(this::run, "jobpulse-reporter");
    this.thread.setDaemon(true);
  }

  public void start() {
    thread.start();
  }

  /**
   * Graceful exit: abandons the runs in progress, says goodbye and flushes, all within {@code
   * timeout}.
   *
   * @return the ids of the abandoned runs
   */
  public List<String> stop(Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    stopping = true;
    LockSupport.unpark(thread);
    // A job may end before the reporter is up (one that fails as the process starts, which then
    // exits): its run waits in the recorder's inbox. Building the SDK takes most of a second on a
    // busy machine (measured 0.6-0.95 s with three JVMs starting on two cores; a third of the
    // budget lost such failures), so the wait may take two thirds; stop and flush need ~1 s.
    if (!ready.await(timeout.toNanos() * 2 / 3, TimeUnit.NANOSECONDS) || reporter == null) {
      AgentLog.warnOnce("exit-before-reporter",
          "the JVM exited before the reporter was ready: runs that ended so far are not reported");
      return List.of();
    }
    List<String> abandoned = reporter.stop(Duration.ofNanos((deadline - System.nanoTime()) / 2));
    telemetry.close(Duration.ofNanos(Math.max(0, deadline - System.nanoTime())));
    return abandoned;
  }

  private void run() {
    try {
      RunIds ids = new RunIds();
      telemetry = new Telemetry(config, AgentResource.create(instanceId, AgentVersion.get(), System.getProperties(), System.getenv()), ids);
      reporter = new Reporter(recorder, sites, telemetry.tracer(), ids, processParent, config.announceDelay(), config.heartbeatInterval(), config.shortRuns(), telemetry);
    } catch (Throwable t) {
      AgentLog.failure("starting the reporter", t);
      return;
    } finally {
      ready.countDown();
    }
    while (!stopping) {
      try {
        reporter.tick();
      } catch (Throwable t) {
        AgentLog.failure("reporter", t);
      }
      LockSupport.parkNanos(this, TICK_NANOS);
    }
  }
}
