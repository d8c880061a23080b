package io.jobpulse.agent.run;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * Where job threads leave new runs for the reporter: a lock-free stack (Treiber) linked through
 * the runs themselves, so pushing allocates nothing. Bounded: each run records the stack's depth
 * under it, and a push onto a full stack is refused.
 */
final class RunInbox {

  private static final VarHandle HEAD;

  static {
    try {
      HEAD = MethodHandles.lookup().findVarHandle(RunInbox.class, "head", JobRun.class);
    } catch (ReflectiveOperationException e) {
      throw new ExceptionInInitializerError(e);
    }
  }

  private final int capacity;
  @SuppressWarnings("unused") // accessed through HEAD
  private volatile JobRun head;

  RunInbox(int capacity) {
    this.capacity = capacity;
  }

  /** Pushes {@code run}; {@code false} when the inbox holds {@code capacity} runs already. */
  boolean offer(JobRun run) {
    JobRun top;
    do {
      top = head;
      int depth = top == null ? 0 : top.depth;
      if (depth >= capacity) {
        return false;
      }
      run.next = top;
      run.depth = depth + 1;
    } while (!HEAD.compareAndSet(this, top, run));
    return true;
  }

  /** Takes every run pushed so far, oldest first. */
  List<JobRun> drain() {
    JobRun top = (JobRun) HEAD.getAndSet(this, null);
    if (top == null) {
      return Collections.emptyList();
    }
    List<JobRun> runs = new ArrayList<>(top.depth);
    for (JobRun run = top; run != null; ) {
      runs.add(run);
      JobRun below = run.next;
      run.next = null;
      run = below;
    }
    Collections.reverse(runs);
    return runs;
  }
}
