package io.jobpulse.agent.report;

import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/** The export's state as a test sets it: the reporter's tests export to the SDK's in-memory exporter. */
final class ExportFlags implements ExportStatus {

  final AtomicBoolean recovered = new AtomicBoolean();
  final AtomicLong dropped = new AtomicLong();

  @Override
  public boolean takeRecovered() {
    return recovered.getAndSet(false);
  }

  @Override
  public long droppedSpans() {
    return dropped.get();
  }
}
