package io.jobpulse.collector.otlp;

import com.google.protobuf.ByteString;
import io.jobpulse.contract.AttributeKeys;
import io.jobpulse.contract.SpanNames;
import io.opentelemetry.proto.trace.v1.Span;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HexFormat;

/**
 * What the wire contract (otel-config/README.md) uses of one span: its kind by name, ids, times,
 * status and the attributes of the span and of its events that JobPulse reads. Filled from a
 * parsed {@link Span} or by {@link WireSpans} from the request's bytes, then read by {@link
 * SpanDecoder}; one per decoder, refilled for every span, so that reading a span allocates only
 * the values kept.
 */
final class SpanFields {

  /** The JobPulse span names, by the index {@link #name} holds; -1 for any other span. */
  static final String[] NAMES = {SpanNames.JOB, SpanNames.JOB_START, SpanNames.WORKER_HEARTBEAT,
      SpanNames.JOB_PENDING, SpanNames.WORKER_STOP};
  static final int JOB = 0;
  static final int JOB_START = 1;
  static final int HEARTBEAT = 2;
  static final int JOB_PENDING = 3;
  static final int WORKER_STOP = 4;
  private static final byte[][] UTF8_NAMES = utf8(NAMES);

  /** The span attributes read, by index, in the order the agent writes them. */
  static final int ID = 0;
  static final int NAME = 1;
  static final int ATTEMPT = 2;
  static final int THREAD = 3;
  static final int DONE = 4;
  static final int TOTAL = 5;
  static final int OUTCOME = 6;
  static final int BUSINESS_ID = 7;
  static final int PARENT_ID = 8;
  static final int PREVIOUS_ATTEMPT_ID = 9;
  static final int QUEUE_WAIT_MS = 10;
  static final int INTERVAL_MS = 11;
  static final int ACTIVE_JOBS = 12;
  static final int PENDING_JOBS = 13;
  static final int DROPPED_RUNS = 14;
  static final int ABANDONED_JOBS = 15;
  private static final String[] SPAN_KEYS = {AttributeKeys.JOB_ID, AttributeKeys.JOB_NAME,
      AttributeKeys.JOB_ATTEMPT, AttributeKeys.THREAD_NAME, AttributeKeys.PROGRESS_DONE, AttributeKeys.PROGRESS_TOTAL,
      AttributeKeys.JOB_OUTCOME, AttributeKeys.JOB_BUSINESS_ID, AttributeKeys.JOB_PARENT_ID,
      AttributeKeys.JOB_PREVIOUS_ATTEMPT_ID, AttributeKeys.JOB_QUEUE_WAIT_MS, AttributeKeys.HEARTBEAT_INTERVAL_MS,
      AttributeKeys.HEARTBEAT_ACTIVE_JOBS, AttributeKeys.HEARTBEAT_PENDING_JOBS, AttributeKeys.HEARTBEAT_DROPPED_RUNS,
      AttributeKeys.WORKER_ABANDONED_JOBS};

  /** The event names read, by the index {@link Event#name} holds; -1 for any other event. */
  static final String[] EVENT_NAMES = {SpanNames.EVENT_JOB_ACTIVE, SpanNames.EVENT_EXCEPTION,
      SpanNames.EVENT_JOB_SUMMARY};
  static final int EVENT_JOB_ACTIVE = 0;
  static final int EVENT_EXCEPTION = 1;
  static final int EVENT_JOB_SUMMARY = 2;
  private static final byte[][] UTF8_EVENT_NAMES = utf8(EVENT_NAMES);

  /** The event attributes read, by index: a run in progress's first, as the agent writes them. */
  static final int ACTIVE_ID = 0;
  static final int ACTIVE_NAME = 1;
  static final int ACTIVE_DONE = 2;
  static final int ACTIVE_THREAD = 3;
  static final int ACTIVE_THREAD_STATE = 4;
  static final int ACTIVE_STACK_MOVED = 5;
  static final int ACTIVE_STACK_TOP = 6;
  static final int ACTIVE_TOTAL = 7;
  static final int EXCEPTION_TYPE = 8;
  static final int EXCEPTION_MESSAGE = 9;
  static final int SUMMARY_COUNT = 10;
  static final int SUMMARY_TOTAL_MS = 11;
  static final int SUMMARY_MAX_MS = 12;
  /** A summary's job name: the same key as a run in progress's. */
  static final int SUMMARY_NAME = ACTIVE_NAME;
  private static final String[] EVENT_KEYS = {AttributeKeys.JOB_ID, AttributeKeys.JOB_NAME,
      AttributeKeys.PROGRESS_DONE, AttributeKeys.THREAD_NAME, AttributeKeys.THREAD_STATE, AttributeKeys.STACK_MOVED,
      AttributeKeys.STACK_TOP, AttributeKeys.PROGRESS_TOTAL, AttributeKeys.EXCEPTION_TYPE,
      AttributeKeys.EXCEPTION_MESSAGE, AttributeKeys.SUMMARY_COUNT, AttributeKeys.SUMMARY_TOTAL_MS,
      AttributeKeys.SUMMARY_MAX_MS};

  /** The resource attributes read, by index. */
  static final int INSTANCE_ID = 0;
  static final int SERVICE = 1;
  static final int PID = 2;
  static final int HOST = 3;
  static final int AGENT_VERSION = 4;
  static final String[] RESOURCE_KEYS = {AttributeKeys.SERVICE_INSTANCE_ID, AttributeKeys.SERVICE_NAME,
      AttributeKeys.PROCESS_PID, AttributeKeys.HOST_NAME, AttributeKeys.AGENT_VERSION};

  private static final HexFormat HEX = HexFormat.of();

  int name;
  final Id traceId = new Id();
  final Id spanId = new Id();
  final Id parentSpanId = new Id();
  long startNanos;
  long endNanos;
  int statusCode;
  String statusMessage;
  final AttributeValues attributes = new AttributeValues(SPAN_KEYS);
  private Event[] events = new Event[0];
  private int eventCount;

  /** Forgets the last span. */
  void clear() {
    name = -1;
    traceId.length = 0;
    spanId.length = 0;
    parentSpanId.length = 0;
    startNanos = 0;
    endNanos = 0;
    statusCode = 0;
    statusMessage = "";
    attributes.clear();
    eventCount = 0;
  }

  /** Takes what is read of a parsed span. */
  void fill(Span span) {
    clear();
    name = nameIndex(span.getName());
    traceId.set(span.getTraceId());
    spanId.set(span.getSpanId());
    parentSpanId.set(span.getParentSpanId());
    startNanos = span.getStartTimeUnixNano();
    endNanos = span.getEndTimeUnixNano();
    statusCode = span.getStatus().getCodeValue();
    statusMessage = span.getStatus().getMessage();
    attributes.select(span.getAttributesList());
    for (Span.Event parsed : span.getEventsList()) {
      Event event = addEvent();
      event.name = eventNameIndex(parsed.getName());
      event.attributes.select(parsed.getAttributesList());
    }
  }

  /** A cleared event slot, the next of this span's. */
  Event addEvent() {
    if (eventCount == events.length) {
      events = Arrays.copyOf(events, Math.max(8, 2 * eventCount));
    }
    Event event = events[eventCount];
    if (event == null) {
      event = events[eventCount] = new Event();
    }
    eventCount++;
    event.name = -1;
    event.attributes.clear();
    return event;
  }

  int eventCount() {
    return eventCount;
  }

  Event event(int i) {
    return events[i];
  }

  static int nameIndex(String name) {
    return indexOf(NAMES, name);
  }

  static int nameIndex(byte[] bytes, int offset, int length) {
    return indexOf(UTF8_NAMES, bytes, offset, length);
  }

  static int eventNameIndex(String name) {
    return indexOf(EVENT_NAMES, name);
  }

  static int eventNameIndex(byte[] bytes, int offset, int length) {
    return indexOf(UTF8_EVENT_NAMES, bytes, offset, length);
  }

  private static int indexOf(String[] names, String name) {
    for (int i = 0; i < names.length; i++) {
      if (names[i].equals(name)) {
        return i;
      }
    }
    return -1;
  }

  private static int indexOf(byte[][] names, byte[] bytes, int offset, int length) {
    for (int i = 0; i < names.length; i++) {
      if (names[i].length == length && Arrays.equals(names[i], 0, length, bytes, offset, offset + length)) {
        return i;
      }
    }
    return -1;
  }

  private static byte[][] utf8(String[] names) {
    byte[][] utf8 = new byte[names.length][];
    for (int i = 0; i < names.length; i++) {
      utf8[i] = names[i].getBytes(StandardCharsets.UTF_8);
    }
    return utf8;
  }

  /** One event of the span: its name's index and the attributes read. */
  static final class Event {
    int name = -1;
    final AttributeValues attributes = new AttributeValues(EVENT_KEYS);
  }

  /**
   * A trace or span id's bytes, held until they are wanted in hex. Trace ids are 16 bytes and span
   * ids 8; a longer id (never valid OTLP) grows the array.
   */
  static final class Id {
    private byte[] bytes = new byte[16];
    int length;

    void set(ByteString id) {
      length = id.size();
      if (length > bytes.length) {
        bytes = new byte[length];
      }
      id.copyTo(bytes, 0);
    }

    void set(byte[] source, int offset, int length) {
      this.length = length;
      if (length > bytes.length) {
        bytes = new byte[length];
      }
      System.arraycopy(source, offset, bytes, 0, length);
    }

    /** The id in lower-case hex, or {@code null} when empty. */
    String hex() {
      return length == 0 ? null : HEX.formatHex(bytes, 0, length);
    }
  }
}
