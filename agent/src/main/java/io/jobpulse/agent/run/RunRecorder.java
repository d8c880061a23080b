package io.jobpulse.agent.run;

import io.jobpulse.agent.bootstrap.Dispatcher;
import io.jobpulse.agent.log.AgentLog;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The hot path: records job runs on their own threads and hands them to the reporter. No I/O,
 * no lock, no allocation but the {@link JobRun}; never throws.
 */
public final class RunRecorder implements Dispatcher {

  /** Runs waiting for the reporter beyond which new runs are dropped (bounded memory). */
  public static final int DEFAULT_CAPACITY = 100_000;

  private final ThreadLocal<JobRun> current = new ThreadLocal<>();
  private final RunInbox inbox;
  private final AtomicLong dropped = new AtomicLong();

  public RunRecorder(int capacity) {
    this.inbox = new RunInbox(capacity);
  }

  @Override
  public Object enter(int site, Object[] arguments) {
    try {
      JobRun parent = current.get();
      JobRun run = new JobRun(site, parent, Thread.currentThread(), System.nanoTime(), arguments);
      if (!inbox.offer(run)) {
        dropped.incrementAndGet();
        AgentLog.warnOnce("dropped", "the reporter is behind: new job runs are counted as dropped, not tracked");
        return null;
      }
      current.set(run);
      return run;
    } catch (Throwable t) {
      AgentLog.failure("job method entry", t);
      return null;
    }
  }

  @Override
  public void exit(Object token, Throwable thrown) {
    try {
      JobRun run = (JobRun) token;
      run.end(System.nanoTime(), thrown);
      current.set(run.parent());
    } catch (Throwable t) {
      AgentLog.failure("job method exit", t);
    }
  }

  @Override
  public void itemDone() {
    try {
      JobRun run = current.get();
      if (run != null) {
        run.itemDone();
      }
    } catch (Throwable t) {
      AgentLog.failure("item method exit", t);
    }
  }

  /** The runs started since the last call, oldest first. Reporter thread only. */
  public List<JobRun> drain() {
    return inbox.drain();
  }

  /** Runs not tracked because the inbox was full. */
  public long dropped() {
    return dropped.get();
  }
}
