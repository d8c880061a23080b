package io.jobpulse.collector.otlp;

import io.jobpulse.collector.state.SpanEvent;
import java.util.List;

/**
 * The JobPulse meaning of one request's spans (how many it held in all), plus what was refused:
 * spans that are not JobPulse's are ignored (accepted, no effect); JobPulse spans too broken to use
 * are rejected and reported back as an OTLP partial success.
 */
record DecodedSpans(List<SpanEvent> events, long spans, long rejectedSpans, String rejectionReason) {
  DecodedSpans {
    events = List.copyOf(events);
  }
}
