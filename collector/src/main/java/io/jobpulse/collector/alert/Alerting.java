package io.jobpulse.collector.alert;

import io.jobpulse.collector.state.StateListener;
import io.jobpulse.collector.store.JobStore;
import java.time.Clock;

/**
 * Alerting as one piece: the {@link StateListener} that records alerts in the outbox and the
 * thread that delivers them. Started when the collector starts (the outbox left by a previous run
 * is delivered then), closed when it stops.
 */
public final class Alerting implements AutoCloseable {

  private final AlertSender sender;
  private final AlertPlanner planner;

  /** Delivery outcomes, for metrics. */
  public interface Outcomes {
    void delivered();

    void failed();
  }

  private Alerting(AlertSender sender, AlertPlanner planner) {
    this.sender = sender;
    this.planner = planner;
  }

  /** Starts the sender; the caller registers {@link #listener()} with the state machine. */
  public static Alerting start(JobStore store, AlertConfig config, Clock clock, Outcomes outcomes) {
    AlertSender sender = new AlertSender(store, config, clock, outcomes);
    sender.start();
    return new Alerting(sender, new AlertPlanner(config, clock, sender));
  }

  public StateListener listener() {
    return planner;
  }

  /** Alert deliveries waiting (as of the sender's last look). */
  public long outboxDepth() {
    return sender.depth();
  }

  @Override
  public void close() {
    sender.close();
  }
}
