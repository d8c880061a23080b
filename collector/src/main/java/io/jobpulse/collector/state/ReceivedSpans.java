package io.jobpulse.collector.state;

import java.util.List;

/**
 * The JobPulse spans of one received request and when it was received (collector clock): what
 * liveness is judged on, never the sender's timestamps.
 */
public record ReceivedSpans(List<SpanEvent> events, long receivedAt) {
  public ReceivedSpans {
    events = List.copyOf(events);
  }
}
