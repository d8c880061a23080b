package io.jobpulse.collector.otlp;

import static io.jobpulse.collector.testing.AgentSpans.integer;
import static io.jobpulse.collector.testing.AgentSpans.string;
import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.params.provider.Arguments.arguments;

import com.google.protobuf.ByteString;
import com.google.protobuf.CodedOutputStream;
import com.google.protobuf.Descriptors.Descriptor;
import com.google.protobuf.Descriptors.EnumValueDescriptor;
import com.google.protobuf.Descriptors.FieldDescriptor;
import com.google.protobuf.Descriptors.OneofDescriptor;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Message;
import com.google.protobuf.MessageLite;
import com.google.protobuf.UnknownFieldSet;
import com.google.protobuf.WireFormat;
import io.jobpulse.collector.state.SpanEvent;
import io.jobpulse.collector.testing.AgentSpans;
import io.jobpulse.collector.testing.AgentSpans.Active;
import io.jobpulse.collector.testing.AgentSpans.Run;
import io.jobpulse.collector.testing.AgentSpans.Running;
import io.jobpulse.contract.AttributeKeys;
import io.jobpulse.contract.JobOutcome;
import io.jobpulse.contract.SpanNames;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.common.v1.ArrayValue;
import io.opentelemetry.proto.common.v1.InstrumentationScope;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.common.v1.KeyValueList;
import io.opentelemetry.proto.resource.v1.Resource;
import io.opentelemetry.proto.trace.v1.ResourceSpans;
import io.opentelemetry.proto.trace.v1.ScopeSpans;
import io.opentelemetry.proto.trace.v1.Span;
import io.opentelemetry.proto.trace.v1.Status;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.EnumSet;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Random;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.DoubleStream;
import java.util.stream.LongStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A differential test of {@link SpanDecoder}'s two readings of an OTLP/protobuf request body:
 * {@code decode(byte[], int, int)} reads the spans straight from the bytes, {@code
 * decode(ExportTraceServiceRequest)} from what protobuf-java's parser makes of them.
 *
 * <p>Why: both feed the same state machine, so two readings of the same bytes must never disagree
 * on what the collector stores: the same events, the same number of rejected spans, the same
 * reason. The parser defines the truth. Each case builds bytes (with the builders, or field by
 * field with {@link CodedOutputStream} where builders cannot say it: fields out of order, singular
 * fields twice, broken lengths) and checks that the direct reading gives exactly what the parsed
 * reading gives, or refuses with a 400 what the parser refuses. Nothing here knows what the right
 * answer is; it only compares.
 *
 * <p>That includes content the direct reading skips (attributes it does not use, foreign spans,
 * scopes, links...): a defect confined there is refused as the parser refuses it.
 */
class WireSpansTest {

  private static final long NOW = 1_700_000_000_000L;
  private static final String MALFORMED = "malformed protobuf ExportTraceServiceRequest: ";
  private static final HexFormat HEX = HexFormat.of();
  private static final AgentSpans AGENT = new AgentSpans("wire-test");
  private static final AgentSpans OTHER_AGENT = new AgentSpans("wire-test-other");

  /** Every attribute key {@link SpanDecoder} reads: on resources, spans and events. */
  private static final List<String> USED_KEYS = List.of(
      AttributeKeys.SERVICE_NAME, AttributeKeys.SERVICE_INSTANCE_ID, AttributeKeys.PROCESS_PID,
      AttributeKeys.HOST_NAME, AttributeKeys.AGENT_VERSION,
      AttributeKeys.JOB_ID, AttributeKeys.JOB_NAME, AttributeKeys.JOB_BUSINESS_ID, AttributeKeys.JOB_PARENT_ID,
      AttributeKeys.JOB_ATTEMPT, AttributeKeys.JOB_OUTCOME, AttributeKeys.PROGRESS_DONE, AttributeKeys.PROGRESS_TOTAL,
      AttributeKeys.THREAD_NAME, AttributeKeys.THREAD_STATE, AttributeKeys.JOB_QUEUE_WAIT_MS,
      AttributeKeys.JOB_PREVIOUS_ATTEMPT_ID, AttributeKeys.STACK_TOP, AttributeKeys.STACK_MOVED,
      AttributeKeys.HEARTBEAT_INTERVAL_MS, AttributeKeys.HEARTBEAT_ACTIVE_JOBS, AttributeKeys.HEARTBEAT_PENDING_JOBS,
      AttributeKeys.HEARTBEAT_DROPPED_RUNS, AttributeKeys.SUMMARY_COUNT, AttributeKeys.SUMMARY_TOTAL_MS,
      AttributeKeys.SUMMARY_MAX_MS, AttributeKeys.WORKER_ABANDONED_JOBS, AttributeKeys.EXCEPTION_TYPE,
      AttributeKeys.EXCEPTION_MESSAGE);

  /** Keys it does not read: the contract's others, and near misses of the ones it reads. */
  private static final List<String> OTHER_KEYS = List.of(
      AttributeKeys.HEARTBEAT_DROPPED_SPANS, AttributeKeys.HEARTBEAT_AGENT_ERRORS, AttributeKeys.EXCEPTION_STACKTRACE,
      AttributeKeys.FLAG_TYPE, AttributeKeys.FLAG_REASON, "http.request.method", "",
      AttributeKeys.JOB_ID.substring(0, AttributeKeys.JOB_ID.length() - 1),
      AttributeKeys.JOB_ID.substring(0, AttributeKeys.JOB_ID.length() - 1) + "e",
      AttributeKeys.JOB_ID + "x", AttributeKeys.JOB_ID + "\u0000", AttributeKeys.JOB_ID.toUpperCase(Locale.ROOT),
      AttributeKeys.THREAD_NAME.replace('.', '_'), AttributeKeys.SERVICE_INSTANCE_ID + ".extra");

  private static final List<String> KEYS = Stream.concat(USED_KEYS.stream(), OTHER_KEYS.stream()).toList();

  private static final List<String> JOBPULSE_SPAN_NAMES = List.of(SpanNames.JOB, SpanNames.JOB_START,
      SpanNames.JOB_PENDING, SpanNames.WORKER_HEARTBEAT, SpanNames.WORKER_STOP);

  private static final List<String> OTHER_SPAN_NAMES = List.of("GET /orders", "", SpanNames.JOB + ".",
      SpanNames.JOB_START.substring(0, SpanNames.JOB_START.length() - 1), SpanNames.JOB.toUpperCase(Locale.ROOT),
      SpanNames.WORKER_STOP + "\u0000", SpanNames.EVENT_JOB_ACTIVE, SpanNames.INSTRUMENTATION_SCOPE);

  private static final List<String> EVENT_NAMES = List.of(SpanNames.EVENT_EXCEPTION, SpanNames.EVENT_JOB_ACTIVE,
      SpanNames.EVENT_JOB_SUMMARY, "log", "", "Exception", SpanNames.EVENT_JOB_ACTIVE + "s", SpanNames.JOB);

  /** Strings that test conversions (numbers, outcomes) and UTF-8 (every encoded length's limits). */
  private static final List<String> STRINGS = List.of("x", "", " 42 ", "-7", "+7", "9223372036854775807",
      "9223372036854775808", "12.5", JobOutcome.COMPLETED.wireValue(), JobOutcome.FAILED.wireValue(),
      JobOutcome.ABANDONED.wireValue(), "COMPLETED", "\u0000\u007F\u0080\u07FF\u0800\uD7FF\uE000\uFFFF\uD800\uDC00\uDBFF\uDFFF",
      "日本語 🚀 ü", "a".repeat(300));

  /** Byte sequences that are not UTF-8. */
  private static final List<byte[]> INVALID_UTF8 = List.of(bytes(0xFF), bytes(0x80), bytes(0xC0, 0x80),
      bytes(0xC3), bytes(0xE2, 0x82), bytes(0xED, 0xA0, 0x80), bytes(0xF4, 0x90, 0x80, 0x80),
      bytes(0xE0, 0x80, 0xAF), bytes(0xF8, 0x88, 0x80, 0x80, 0x80));

  // ---------------------------------------------------------------------------------------------
  // 1. What agents send

  @Test
  void agentTrafficIsReadAsParsed() {
    ExportTraceServiceRequest traffic = agentTraffic();
    DecodedSpans parsed = SpanDecoder.decode(traffic);
    assertEquals(11, parsed.events().size(), () -> "the traffic's events: " + parsed.events());
    assertEquals(0, parsed.rejectedSpans(), parsed.rejectionReason());

    assertSameAsParsed(traffic);
    for (ResourceSpans resourceSpans : traffic.getResourceSpansList()) {
      assertSameAsParsed(ExportTraceServiceRequest.newBuilder().addResourceSpans(resourceSpans).build());
      for (Span span : resourceSpans.getScopeSpans(0).getSpansList()) {
        assertSameAsParsed(ExportTraceServiceRequest.newBuilder().addResourceSpans(resourceSpans.toBuilder()
            .clearScopeSpans().addScopeSpans(ScopeSpans.newBuilder().addSpans(span))).build());
      }
    }
  }

  @ParameterizedTest
  @MethodSource("encodings")
  void agentTrafficWrittenOtherwiseIsReadAsParsed(Set<Encoding> how) {
    assertSameAsParsed("agent traffic written " + how, encode(agentTraffic(), how));
  }

  @Test
  void unknownFieldsSetOnEveryBuilderAreSkipped() {
    assertSameAsParsed((ExportTraceServiceRequest) withUnknownFields(agentTraffic()));
  }

  // ---------------------------------------------------------------------------------------------
  // 2. Attribute rules: every key read, every kind of value, every place

  @ParameterizedTest(name = "{1} values at {0}")
  @MethodSource("placesAndKinds")
  void everyKeyWithEveryKindOfValue(Place place, Kind kind) {
    List<Executable> checks = new ArrayList<>();
    for (String key : KEYS) {
      for (KeyValue attribute : kind.samples(key)) {
        checks.add(() -> assertSameAsParsed(place + " + " + shortly(attribute),
            requestWith(place, List.of(attribute)).toByteArray()));
      }
    }
    assertAll(checks);
  }

  // ---------------------------------------------------------------------------------------------
  // 3. Repeated keys, unknown keys and fields, ids, status, events, resources

  @ParameterizedTest
  @EnumSource(Place.class)
  void ofRepeatedKeysTheLastCountsEvenWithoutAValue(Place place) {
    List<Executable> checks = new ArrayList<>();
    for (String key : KEYS) {
      List<KeyValue> values = List.of(string(key, "12"), integer(key, 7), keyValue(key, array(stringValue("a"))),
          keyValue(key, bool(true)), keyValue(key, AnyValue.getDefaultInstance()), keyValue(key, null));
      for (KeyValue first : values) {
        for (KeyValue last : values) {
          List<KeyValue> attributes = List.of(first, string("unknown.interleaved", "u"), last);
          checks.add(() -> assertSameAsParsed(place + " + " + shortly(first) + ", unknown, " + shortly(last),
              requestWith(place, attributes).toByteArray()));
        }
      }
      List<KeyValue> three = List.of(string(key, "12"), integer(key, 7), keyValue(key, null));
      checks.add(() -> assertSameAsParsed(place + " + three of " + key, requestWith(place, three).toByteArray()));
    }
    assertAll(checks);
  }

  @ParameterizedTest(name = "{0}-byte ids")
  @ValueSource(ints = {0, 1, 8, 15, 16, 17, 20, 32})
  void idsOfEveryLength(int length) {
    ByteString id = ByteString.copyFrom(sequence(length));
    Run run = Run.create("com.acme.Ids#run", NOW - 10);
    List<Span> spans = List.of(AGENT.jobStart(run, NOW), AGENT.jobPending(run, NOW - 50, NOW),
        AGENT.jobEnd(run, NOW, JobOutcome.COMPLETED), heartbeat(run), AGENT.workerStop(NOW, run));
    List<Executable> checks = new ArrayList<>();
    for (Span span : spans) {
      for (boolean withJobId : List.of(true, false)) {
        Span.Builder base = span.toBuilder();
        if (!withJobId) {
          base.clearAttributes().addAllAttributes(span.getAttributesList().stream()
              .filter(a -> !a.getKey().equals(AttributeKeys.JOB_ID)).toList());
        }
        List<Span> variants = List.of(base.clone().setTraceId(id).build(), base.clone().setSpanId(id).build(),
            base.clone().setParentSpanId(id).build(),
            base.clone().setTraceId(id).setSpanId(id).setParentSpanId(id).build());
        for (Span variant : variants) {
          checks.add(() -> assertSameAsParsed(length + "-byte ids on " + span.getName(), AGENT.request(variant)));
        }
      }
    }
    assertAll(checks);
  }

  @Test
  void statusCodesAndMessages() {
    List<Executable> checks = new ArrayList<>();
    Run run = Run.create("com.acme.Status#run", NOW - 10);
    Span noOutcome = withoutAttribute(AGENT.jobEnd(run, NOW, JobOutcome.COMPLETED), AttributeKeys.JOB_OUTCOME);
    List<String> outcomes = Arrays.asList(null, "completed", "failed", "abandoned", "unheard-of", "");
    for (int code : new int[] {0, 1, 2, 3, 99, -1, Integer.MAX_VALUE, Integer.MIN_VALUE}) {
      for (String message : List.of("", "boom", "read timed out", "日本語")) {
        for (String outcome : outcomes) {
          for (int exceptionEvents = 0; exceptionEvents <= 2; exceptionEvents++) {
            Span.Builder span = noOutcome.toBuilder()
                .setStatus(Status.newBuilder().setCodeValue(code).setMessage(message));
            if (outcome != null) {
              span.addAttributes(string(AttributeKeys.JOB_OUTCOME, outcome));
            }
            if (exceptionEvents > 0) {
              span.addEvents(exceptionEvent("java.net.SocketTimeoutException", "connect timed out"));
            }
            if (exceptionEvents > 1) {
              span.addEvents(0, Span.Event.newBuilder().setName(SpanNames.EVENT_EXCEPTION)
                  .addAttributes(string(AttributeKeys.EXCEPTION_TYPE, "java.lang.IllegalStateException")));
            }
            Span built = span.build();
            checks.add(() -> assertSameAsParsed("status " + code + " '" + message + "', outcome " + outcome,
                AGENT.request(built)));
            checks.add(() -> assertSameAsParsed("the same status on a heartbeat",
                AGENT.request(heartbeat(run).toBuilder().setStatus(built.getStatus()).build())));
          }
        }
      }
    }
    checks.add(() -> assertSameAsParsed("no status at all", AGENT.request(noOutcome.toBuilder().clearStatus().build())));
    checks.add(() -> assertSameAsParsed("an empty status",
        AGENT.request(noOutcome.toBuilder().setStatus(Status.getDefaultInstance()).build())));
    assertAll(checks);
  }

  @Test
  void eventsOfOtherNames() {
    Run run = Run.create("com.acme.Events#run", NOW - 10);
    Span failed = failedJob(run);
    Span.Event log = Span.Event.newBuilder().setName("log").addAttributes(string(AttributeKeys.EXCEPTION_TYPE, "x"))
        .build();
    List<ExportTraceServiceRequest> requests = new ArrayList<>();
    for (String name : EVENT_NAMES) {
      Span.Event event = Span.Event.newBuilder().setName(name).setTimeUnixNano(NOW * 1_000_000)
          .addAttributes(string(AttributeKeys.EXCEPTION_TYPE, "com.acme.Odd"))
          .addAttributes(string(AttributeKeys.JOB_ID, "odd-run"))
          .addAttributes(string(AttributeKeys.JOB_NAME, "com.acme.Odd#run"))
          .addAttributes(integer(AttributeKeys.SUMMARY_COUNT, 2)).build();
      requests.add(AGENT.request(failed.toBuilder().addEvents(0, event).build()));
      requests.add(AGENT.request(failed.toBuilder().clearEvents().addEvents(event).build()));
      requests.add(AGENT.request(heartbeat(run).toBuilder().addEvents(0, event).build()));
      requests.add(AGENT.request(AGENT.jobEnd(run, NOW, JobOutcome.COMPLETED).toBuilder().addEvents(event).build()));
      requests.add(AGENT.request(AGENT.jobStart(run, NOW).toBuilder().addEvents(event).build()));
    }
    requests.add(AGENT.request(failed.toBuilder().clearEvents().addEvents(log).build()));
    requests.add(AGENT.request(failed.toBuilder().clearEvents()
        .addEvents(Span.Event.newBuilder().setName(SpanNames.EVENT_EXCEPTION)).build()));
    requests.add(AGENT.request(failed.toBuilder().addEvents(exceptionEvent("java.lang.Error", "second")).build()));
    requests.add(AGENT.request(heartbeat(run).toBuilder()
        .addEvents(Span.Event.newBuilder().setName(SpanNames.EVENT_JOB_ACTIVE)).build()));
    requests.add(AGENT.request(heartbeat(run).toBuilder().addEvents(Span.Event.newBuilder()
        .setName(SpanNames.EVENT_JOB_SUMMARY).addAttributes(string(AttributeKeys.JOB_NAME, "n"))).build()));
    requests.add(AGENT.request(heartbeat(run).toBuilder().addEvents(Span.Event.newBuilder()
        .setName(SpanNames.EVENT_JOB_SUMMARY).addAttributes(string(AttributeKeys.JOB_NAME, "n"))
        .addAttributes(string(AttributeKeys.SUMMARY_COUNT, " 3 "))
        .addAttributes(string(AttributeKeys.SUMMARY_MAX_MS, "x"))).build()));
    assertAll(requests.stream().map(request -> (Executable) () -> assertSameAsParsed(request)));
  }

  @Test
  void resourcesWithoutAUsableIdentity() {
    Span start = AGENT.jobStart(Run.create("com.acme.Nobody#run", NOW), NOW);
    Span foreign = foreignSpan("GET /orders");
    ResourceSpans usable = OTHER_AGENT.resourceSpans(OTHER_AGENT.jobStart(Run.create("com.acme.Some#run", NOW), NOW));
    ResourceSpans agentSpans = AGENT.resourceSpans(foreign, start, AGENT.workerStop(NOW));
    List<ResourceSpans> unusable = new ArrayList<>();
    unusable.add(agentSpans.toBuilder().setResource(withoutAttribute(agentSpans.getResource(),
        AttributeKeys.SERVICE_INSTANCE_ID)).build());
    unusable.add(agentSpans.toBuilder().clearResource().build());
    unusable.add(agentSpans.toBuilder().setResource(Resource.getDefaultInstance()).build());
    unusable.add(agentSpans.toBuilder().setResource(Resource.newBuilder()
        .addAttributes(keyValue(AttributeKeys.SERVICE_INSTANCE_ID, null))).build());
    for (KeyValue wrong : List.of(integer(AttributeKeys.SERVICE_INSTANCE_ID, 42),
        keyValue(AttributeKeys.SERVICE_INSTANCE_ID, bool(true)), string(AttributeKeys.SERVICE_INSTANCE_ID, ""),
        string(AttributeKeys.PROCESS_PID, "pid"), string(AttributeKeys.PROCESS_PID, " 12 "),
        keyValue(AttributeKeys.HOST_NAME, array(stringValue("h"))), keyValue(AttributeKeys.SERVICE_NAME, bool(false)),
        keyValue(AttributeKeys.AGENT_VERSION, doubleValue(1.5)))) {
      unusable.add(agentSpans.toBuilder().setResource(agentSpans.getResource().toBuilder().addAttributes(wrong)).build());
    }
    List<Executable> checks = new ArrayList<>();
    for (ResourceSpans resourceSpans : unusable) {
      checks.add(() -> assertSameAsParsed(ExportTraceServiceRequest.newBuilder().addResourceSpans(resourceSpans).build()));
      checks.add(() -> assertSameAsParsed(ExportTraceServiceRequest.newBuilder().addResourceSpans(resourceSpans)
          .addResourceSpans(usable).addResourceSpans(resourceSpans).build()));
    }
    assertAll(checks);
  }

  @Test
  void emptyAndSparseRequests() {
    ResourceSpans resourceSpans = AGENT.resourceSpans();
    assertAll(
        () -> assertSameAsParsed("an empty body", new byte[0]),
        () -> assertSameAsParsed(ExportTraceServiceRequest.newBuilder().addResourceSpans(ResourceSpans.getDefaultInstance()).build()),
        () -> assertSameAsParsed(ExportTraceServiceRequest.newBuilder().addResourceSpans(resourceSpans.toBuilder().clearScopeSpans()).build()),
        () -> assertSameAsParsed(ExportTraceServiceRequest.newBuilder().addResourceSpans(resourceSpans).build()),
        () -> assertSameAsParsed(AGENT.request(Span.getDefaultInstance())),
        () -> assertSameAsParsed(AGENT.request(Span.newBuilder().setName(SpanNames.JOB_START).build())),
        () -> assertSameAsParsed(AGENT.request(Span.newBuilder().setName(SpanNames.JOB).build())),
        () -> assertSameAsParsed(AGENT.request(Span.newBuilder().setName(SpanNames.JOB_PENDING).build())),
        () -> assertSameAsParsed(AGENT.request(Span.newBuilder().setName(SpanNames.WORKER_HEARTBEAT).build())),
        () -> assertSameAsParsed(AGENT.request(Span.newBuilder().setName(SpanNames.WORKER_STOP).build())),
        () -> assertSameAsParsed(AGENT.request(Span.newBuilder().setName(SpanNames.JOB)
            .setSpanId(ByteString.copyFrom(sequence(8))).build())));
  }

  // ---------------------------------------------------------------------------------------------
  // 4. Non-canonical bytes: field order, singular fields repeated (the parser merges them)

  @ParameterizedTest
  @EnumSource(Place.class)
  void aKeyValueWrittenOutOfOrderOrWithSeveralValues(Place place) {
    List<Executable> checks = new ArrayList<>();
    for (String key : KEYS) {
      for (Map.Entry<String, Wire> written : keyValueWritings(key).entrySet()) {
        checks.add(() -> assertSameAsParsed(place + ": " + written.getKey(), replacingMarker(requestWith(place,
            List.of(MARKER)), written.getValue())));
      }
    }
    assertAll(checks);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("nonCanonicalRequests")
  void nonCanonicalRequestsAreReadAsParsed(String what, Wire body) {
    assertSameAsParsed(what, body.toByteArray());
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("varintOddities")
  void varintsAreReadAsTheParserReadsThem(String what, Wire body) {
    assertSameAsParsed(what, body.toByteArray());
  }

  // ---------------------------------------------------------------------------------------------
  // 5. Malformed bodies

  @ParameterizedTest(name = "{0}")
  @MethodSource("truncatable")
  void everyTruncationIsReadAsParsedOrRefused(String what, byte[] body) {
    List<String> failures = new ArrayList<>();
    byte[] garbled = garbleAround(body);
    for (int length = 0; length < body.length; length++) {
      String disagreement = disagreement(body, 0, length); // the rest of the body follows in the array
      if (disagreement == null) {
        disagreement = disagreement(Arrays.copyOf(body, length), 0, length);
      }
      if (disagreement == null) {
        disagreement = disagreement(garbled, GARBAGE_BEFORE.length, length);
      }
      if (disagreement != null) {
        failures.add("cut to " + length + " of " + body.length + " bytes: " + disagreement);
      }
    }
    assertNoFailures(what + ", truncated", failures, body);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("malformedBodies")
  void malformedBodiesAreRefused(String what, Wire body) {
    byte[] bytes = body.toByteArray();
    assertThrows(InvalidProtocolBufferException.class, () -> ExportTraceServiceRequest.parseFrom(bytes),
        "the parser refuses it, or the case tests nothing");
    assertSameAsParsed(what, bytes);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("invalidUtf8InReadStrings")
  void invalidUtf8InAStringReadIsRefused(String what, byte[] body) {
    assertThrows(InvalidProtocolBufferException.class, () -> ExportTraceServiceRequest.parseFrom(body),
        "the parser refuses it, or the case tests nothing");
    assertSameAsParsed(what, body);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("defectsInSkippedContent")
  void defectsInSkippedContentAreRefused(String what, byte[] body, ExportTraceServiceRequest readAs) {
    assertThrows(InvalidProtocolBufferException.class, () -> ExportTraceServiceRequest.parseFrom(body),
        "the parser refuses it, or the case tests nothing");
    DecodedSpans expected = SpanDecoder.decode(readAs);
    byte[] garbled = garbleAround(body);
    List<String> failures = new ArrayList<>();
    for (int offset : new int[] {0, GARBAGE_BEFORE.length}) {
      byte[] array = offset == 0 ? body : garbled;
      DecodedSpans read;
      try {
        read = SpanDecoder.decode(array, offset, body.length);
      } catch (OtlpException e) {
        addIfNotNull(failures, badRefusal(e));
        continue;
      } catch (RuntimeException | StackOverflowError e) {
        failures.add("decode(byte[]) throws " + describe(e));
        continue;
      }
      failures.add("accepted what the parser refuses, read as " + read.events().size() + " events (without the defect: "
          + expected.events().size() + ")");
    }
    assertNoFailures(what, failures, body);
  }

  // ---------------------------------------------------------------------------------------------
  // 6. Random requests

  @Test
  void randomRequestsAreReadAsParsed() {
    Random random = new Random(42);
    List<String> failures = new ArrayList<>();
    for (int i = 0; i < 500; i++) {
      ExportTraceServiceRequest request = randomRequest(random);
      if (random.nextInt(8) == 0) {
        request = (ExportTraceServiceRequest) withUnknownFields(request);
      }
      Set<Encoding> how = randomEncodings(random);
      byte[] body = encode(request, how);
      String disagreement = disagreementAnywhere(body);
      if (disagreement != null) {
        failures.add("random request #" + i + " (seed 42) written " + how + ": " + disagreement + "\n  body: "
            + hex(body, 0, body.length));
      }
    }
    assertNoFailures("500 random requests", failures, null);
  }

  /**
   * Random requests with a few bytes changed, removed or inserted: what the parser accepts must be
   * read the same; what it refuses must be refused with a 400.
   */
  @Test
  void randomlyDamagedRequestsAreReadAsParsedOrRefused() {
    Random random = new Random(42);
    List<String> failures = new ArrayList<>();
    for (int i = 0; i < 500; i++) {
      byte[] body = damage(encode(randomRequest(random), randomEncodings(random)), random);
      ExportTraceServiceRequest parsed;
      try {
        parsed = ExportTraceServiceRequest.parseFrom(body);
      } catch (InvalidProtocolBufferException refused) {
        parsed = null;
      }
      String failure;
      if (parsed != null) {
        failure = disagreementAnywhere(body);
      } else {
        // The parser refuses: so must the direct reading, with a 400.
        try {
          SpanDecoder.decode(body, 0, body.length);
          failure = "accepted what the parser refuses";
        } catch (OtlpException e) {
          failure = badRefusal(e);
        } catch (RuntimeException | StackOverflowError e) {
          failure = "decode(byte[]) throws " + describe(e);
        }
      }
      if (failure != null) {
        failures.add("damaged request #" + i + " (seed 42): " + failure + "\n  body: " + hex(body, 0, body.length));
      }
    }
    assertNoFailures("500 damaged random requests", failures, null);
  }

  // =============================================================================================
  // The comparison

  /** Garbage before a body embedded in a larger array: an unfinished varint if read from 0. */
  private static final byte[] GARBAGE_BEFORE = bytes(0xFF, 0xFF, 0xFF, 0x0A, 0xFF, 0x0C, 0x80);

  /** Encodes {@code request} and checks that both readings agree, also at an offset. */
  private static void assertSameAsParsed(ExportTraceServiceRequest request) {
    assertSameAsParsed("", request.toByteArray());
  }

  private static void assertSameAsParsed(String what, ExportTraceServiceRequest request) {
    assertSameAsParsed(what, request.toByteArray());
  }

  /**
   * Checks that {@code decode(byte[], ...)} reads {@code body} as the parsed request is read, or
   * refuses with a 400 when the parser refuses: the body alone, then embedded at an offset in an
   * array with garbage before it and another whole request after it (read past its length, that
   * would add events).
   */
  private static void assertSameAsParsed(String what, byte[] body) {
    String disagreement = disagreementAnywhere(body);
    if (disagreement != null) {
      fail(what + ": " + disagreement + "\n  body: " + hex(body, 0, body.length));
    }
  }

  private static String disagreementAnywhere(byte[] body) {
    String alone = disagreement(body, 0, body.length);
    if (alone != null) {
      return alone;
    }
    String embedded = disagreement(garbleAround(body), GARBAGE_BEFORE.length, body.length);
    return embedded == null ? null : "at offset " + GARBAGE_BEFORE.length + " in a larger array: " + embedded;
  }

  /** A whole valid request after a body embedded in a larger array: extra events if read past the body's end. */
  private static final byte[] REQUEST_AFTER =
      OTHER_AGENT.request(OTHER_AGENT.jobStart(Run.create("com.acme.After#run", NOW), NOW)).toByteArray();

  /** {@code body} after {@link #GARBAGE_BEFORE} and before {@link #REQUEST_AFTER}. */
  private static byte[] garbleAround(byte[] body) {
    byte[] after = REQUEST_AFTER;
    byte[] array = new byte[GARBAGE_BEFORE.length + body.length + after.length];
    System.arraycopy(GARBAGE_BEFORE, 0, array, 0, GARBAGE_BEFORE.length);
    System.arraycopy(body, 0, array, GARBAGE_BEFORE.length, body.length);
    System.arraycopy(after, 0, array, GARBAGE_BEFORE.length + body.length, after.length);
    return array;
  }

  /** How the direct reading of these bytes differs from the parsed one; {@code null} when it does not. */
  private static String disagreement(byte[] array, int offset, int length) {
    ExportTraceServiceRequest parsed;
    try {
      parsed = ExportTraceServiceRequest.parser().parseFrom(array, offset, length);
    } catch (InvalidProtocolBufferException refused) {
      String parserSays = "the parser refuses it (" + refused.getMessage() + ")";
      try {
        DecodedSpans accepted = SpanDecoder.decode(array, offset, length);
        return parserSays + " but decode(byte[]) accepts it: " + accepted;
      } catch (OtlpException e) {
        String bad = badRefusal(e);
        return bad == null ? null : parserSays + " and " + bad;
      } catch (RuntimeException | StackOverflowError e) {
        return parserSays + " but decode(byte[]) throws " + describe(e);
      }
    }
    DecodedSpans expected = SpanDecoder.decode(parsed);
    DecodedSpans actual;
    try {
      actual = SpanDecoder.decode(array, offset, length);
    } catch (OtlpException e) {
      return "the parser accepts it but decode(byte[]) refuses it: " + e.status() + " " + e.getMessage();
    } catch (RuntimeException | StackOverflowError e) {
      return "the parser accepts it but decode(byte[]) throws " + describe(e);
    }
    return difference(expected, actual);
  }

  /** How {@code actual} differs from {@code expected}, field by field; {@code null} when equal. */
  private static String difference(DecodedSpans expected, DecodedSpans actual) {
    if (expected.spans() != actual.spans()) {
      return "spans: parsed " + expected.spans() + ", direct " + actual.spans();
    }
    if (expected.rejectedSpans() != actual.rejectedSpans()) {
      return "rejectedSpans: parsed " + expected.rejectedSpans() + ", direct " + actual.rejectedSpans()
          + " (reasons: parsed " + expected.rejectionReason() + ", direct " + actual.rejectionReason() + ")";
    }
    if (!Objects.equals(expected.rejectionReason(), actual.rejectionReason())) {
      return "rejectionReason: parsed <" + expected.rejectionReason() + ">, direct <" + actual.rejectionReason() + ">";
    }
    List<SpanEvent> want = expected.events();
    List<SpanEvent> got = actual.events();
    for (int i = 0; i < Math.min(want.size(), got.size()); i++) {
      if (!want.get(i).equals(got.get(i))) {
        return "events[" + i + "]:\n  parsed " + want.get(i) + "\n  direct " + got.get(i);
      }
    }
    if (want.size() != got.size()) {
      return "events: parsed " + want.size() + ", direct " + got.size() + ": parsed " + want + ", direct " + got;
    }
    return null;
  }

  /** Why a refusal is not the expected 400; {@code null} when it is. */
  private static String badRefusal(OtlpException e) {
    if (e.status() == null || e.status().code() != 400 || e.getMessage() == null
        || !e.getMessage().startsWith(MALFORMED)) {
      return "decode(byte[]) refuses it with " + e.status() + " '" + e.getMessage() + "', not 400 '" + MALFORMED
          + "...'";
    }
    return null;
  }

  private static void assertNoFailures(String what, List<String> failures, byte[] body) {
    if (!failures.isEmpty()) {
      fail(what + ": " + failures.size() + " disagreement(s); the first " + Math.min(3, failures.size()) + ":\n"
          + String.join("\n\n", failures.subList(0, Math.min(3, failures.size())))
          + (body == null ? "" : "\n  body: " + hex(body, 0, body.length)));
    }
  }

  private static void addIfNotNull(List<String> list, String s) {
    if (s != null) {
      list.add(s);
    }
  }

  private static String describe(Throwable e) {
    StackTraceElement[] stack = e.getStackTrace();
    return e + (stack.length > 0 ? " at " + stack[0] : "");
  }

  private static String hex(byte[] array, int offset, int length) {
    int shown = Math.min(length, 2_000);
    return length + " bytes: " + HEX.formatHex(array, offset, offset + shown) + (shown < length ? "..." : "");
  }

  // =============================================================================================
  // Requests

  /** Where a case puts its attributes. */
  enum Place {
    RESOURCE, JOB_START, JOB_PENDING, JOB_COMPLETED, JOB_FAILED, HEARTBEAT, WORKER_STOP, FOREIGN_SPAN,
    EXCEPTION_EVENT, ACTIVE_EVENT, SUMMARY_EVENT, OTHER_EVENT
  }

  /**
   * A request of two workers: the first's resource (or one of its spans or events, as {@code
   * place} says) ends with {@code attributes}, and a good start span follows, so that a span
   * rejected does not hide the rest.
   */
  private static ExportTraceServiceRequest requestWith(Place place, List<KeyValue> attributes) {
    Run run = Run.create("com.acme.Report#run", NOW - 500);
    Span.Builder span = switch (place) {
      case RESOURCE, JOB_START -> AGENT.jobStart(run, NOW).toBuilder();
      case JOB_PENDING -> AGENT.jobPending(run, NOW - 900, NOW).toBuilder();
      case JOB_COMPLETED -> AGENT.jobEnd(run, NOW, JobOutcome.COMPLETED).toBuilder();
      case JOB_FAILED, EXCEPTION_EVENT, OTHER_EVENT -> failedJob(run).toBuilder();
      case HEARTBEAT, ACTIVE_EVENT -> heartbeat(run).toBuilder();
      case SUMMARY_EVENT -> AGENT.heartbeatWithSummary(10_000, NOW, "com.acme.Short#run", 4, 40, 20).toBuilder();
      case WORKER_STOP -> AGENT.workerStop(NOW, run).toBuilder();
      case FOREIGN_SPAN -> foreignSpan("GET /orders").toBuilder();
    };
    switch (place) {
      case RESOURCE -> { }
      case EXCEPTION_EVENT, ACTIVE_EVENT -> span.getEventsBuilder(0).addAllAttributes(attributes);
      case SUMMARY_EVENT -> span.getEventsBuilder(span.getEventsCount() - 1).addAllAttributes(attributes);
      case OTHER_EVENT -> span.addEvents(0, Span.Event.newBuilder().setName("log").addAllAttributes(attributes));
      default -> span.addAllAttributes(attributes);
    }
    ResourceSpans.Builder resourceSpans =
        AGENT.resourceSpans(span.build(), AGENT.jobStart(Run.create("com.acme.Next#run", NOW), NOW)).toBuilder();
    if (place == Place.RESOURCE) {
      resourceSpans.getResourceBuilder().addAllAttributes(attributes);
    }
    return ExportTraceServiceRequest.newBuilder()
        .addResourceSpans(resourceSpans)
        .addResourceSpans(OTHER_AGENT.resourceSpans(OTHER_AGENT.jobStart(Run.create("com.acme.Other#run", NOW), NOW)))
        .build();
  }

  /**
   * What agents send: two workers' resources (runs pending, started, ended every way, heartbeats
   * with runs in progress, summaries and queued runs, a stop with abandoned runs) with foreign spans
   * among them, and a resource of foreign spans only.
   */
  private static ExportTraceServiceRequest agentTraffic() {
    AgentSpans billing = new AgentSpans("billing");
    AgentSpans reports = new AgentSpans("reports-日本");
    Run queued = Run.create("com.acme.billing.InvoiceJob#run", NOW - 5_000);
    Run invoice = Run.create("com.acme.billing.InvoiceJob#run", NOW - 60_000);
    Run firstAttempt = Run.create("com.acme.billing.ChargeJob#charge", NOW - 90_000);
    Run failed = Run.create("com.acme.billing.ChargeJob#charge", NOW - 20_000);
    Run monthly = Run.create("com.acme.reports.Monthly#build", NOW - 120_000);
    Run export = Run.create("com.acme.reports.Export#run", NOW - 600_000);
    Run cut = Run.create("com.acme.reports.Cleanup#run", NOW - 3_000);

    Span invoiceEnded = billing.jobEnd(invoice, NOW - 1_000, JobOutcome.COMPLETED, 120, null, null).toBuilder()
        .addAttributes(integer(AttributeKeys.PROGRESS_TOTAL, 120))
        .addAttributes(string(AttributeKeys.JOB_BUSINESS_ID, "invoice-2024-0042"))
        .addAttributes(string(AttributeKeys.JOB_PARENT_ID, queued.id()))
        .addAttributes(integer(AttributeKeys.JOB_QUEUE_WAIT_MS, 1_250))
        .build();
    Span failedEnded = billing.jobEnd(failed, NOW - 500, JobOutcome.FAILED, 3, "java.net.SocketTimeoutException",
        "read timed out").toBuilder()
        .addAttributes(string(AttributeKeys.JOB_PREVIOUS_ATTEMPT_ID, firstAttempt.id()))
        .addAttributes(integer(AttributeKeys.JOB_ATTEMPT, 2))
        .build();
    Span billingHeartbeat = billing.heartbeat(10_000, NOW, List.of(
            new Running(invoice, 60, 120L, "RUNNABLE", true, "com.acme.billing.InvoiceJob.render(InvoiceJob.java:88)"),
            new Running(failed, 0, null, "TIMED_WAITING", false, "java.lang.Thread.sleep(Native Method)")),
        List.of(queued)).toBuilder()
        .addAttributes(integer(AttributeKeys.HEARTBEAT_DROPPED_RUNS, 2))
        .addAttributes(integer(AttributeKeys.HEARTBEAT_DROPPED_SPANS, 0))
        .addAttributes(integer(AttributeKeys.HEARTBEAT_AGENT_ERRORS, 1))
        .build();
    ResourceSpans billingSpans = billing.resourceSpans(
        billing.jobPending(queued, NOW - 5_000, NOW - 4_000),
        billing.jobStart(invoice, NOW - 59_000),
        foreignSpan("GET /invoices"),
        invoiceEnded,
        failedEnded,
        billingHeartbeat,
        billing.heartbeatWithSummary(10_000, NOW, "com.acme.billing.Tick#run", 12, 340, 55));
    ResourceSpans reportsSpans = reports.resourceSpans(
        reports.jobStart(monthly, NOW - 119_000),
        reports.jobStart(export, NOW - 599_000),
        reports.heartbeat(0, NOW, new Active(monthly, 40, 100L, "RUNNABLE"), new Active(export, 0, null, "BLOCKED")),
        foreignSpan("SELECT orders"),
        reports.jobEnd(cut, NOW, JobOutcome.ABANDONED),
        reports.workerStop(NOW, monthly, export)).toBuilder()
        .addScopeSpans(ScopeSpans.newBuilder()
            .setScope(InstrumentationScope.newBuilder().setName("io.opentelemetry.jdbc").setVersion("2.1"))
            .addSpans(foreignSpan("INSERT audit")))
        .build();
    ResourceSpans foreignOnly = ResourceSpans.newBuilder()
        .setResource(Resource.newBuilder().addAttributes(string(AttributeKeys.SERVICE_NAME, "frontend"))
            .addAttributes(string("telemetry.sdk.language", "java")))
        .addScopeSpans(ScopeSpans.newBuilder()
            .setScope(InstrumentationScope.newBuilder().setName("io.opentelemetry.netty-4.1"))
            .addSpans(foreignSpan("GET /"))
            .addSpans(foreignSpan("POST /login")))
        .setSchemaUrl("https://opentelemetry.io/schemas/1.24.0")
        .build();
    return ExportTraceServiceRequest.newBuilder()
        .addResourceSpans(billingSpans).addResourceSpans(foreignOnly).addResourceSpans(reportsSpans).build();
  }

  private static Span failedJob(Run run) {
    return AGENT.jobEnd(run, NOW, JobOutcome.FAILED, 3, "java.io.IOException", "disk full");
  }

  private static Span heartbeat(Run run) {
    return AGENT.heartbeat(10_000, NOW,
            List.of(new Running(run, 5, 10L, "RUNNABLE", true, "com.acme.Report.step(Report.java:12)")),
            List.of(Run.create("com.acme.Queued#run", NOW)))
        .toBuilder().addAttributes(integer(AttributeKeys.HEARTBEAT_DROPPED_RUNS, 2)).build();
  }

  private static Span.Event exceptionEvent(String type, String message) {
    return Span.Event.newBuilder().setName(SpanNames.EVENT_EXCEPTION).setTimeUnixNano(NOW * 1_000_000)
        .addAttributes(string(AttributeKeys.EXCEPTION_TYPE, type))
        .addAttributes(string(AttributeKeys.EXCEPTION_MESSAGE, message))
        .build();
  }

  /** A span of another instrumentation, with everything a span can carry (a JobPulse key too). */
  private static Span foreignSpan(String name) {
    return Span.newBuilder()
        .setTraceId(ByteString.copyFrom(sequence(16)))
        .setSpanId(ByteString.copyFrom(sequence(8)))
        .setParentSpanId(ByteString.copyFrom(sequence(8)))
        .setTraceState("rojo=00f067aa0ba902b7")
        .setName(name)
        .setKind(Span.SpanKind.SPAN_KIND_SERVER)
        .setStartTimeUnixNano(NOW * 1_000_000)
        .setEndTimeUnixNano(NOW * 1_000_000 + 5)
        .addAttributes(string("http.request.method", "GET"))
        .addAttributes(integer("http.response.status_code", 200))
        .addAttributes(string(AttributeKeys.THREAD_NAME, "netty-1"))
        .addAttributes(keyValue(AttributeKeys.JOB_ID, bool(true)))
        .addEvents(Span.Event.newBuilder().setName(SpanNames.EVENT_EXCEPTION)
            .addAttributes(keyValue(AttributeKeys.EXCEPTION_TYPE, intValue(3))))
        .addLinks(Span.Link.newBuilder().setTraceId(ByteString.copyFrom(sequence(16)))
            .setSpanId(ByteString.copyFrom(sequence(8))).setTraceState("k=v").addAttributes(string("link", "l")))
        .setStatus(Status.newBuilder().setCode(Status.StatusCode.STATUS_CODE_OK))
        .setFlags(0x301)
        .setDroppedAttributesCount(1)
        .setDroppedEventsCount(2)
        .setDroppedLinksCount(3)
        .build();
  }

  private static Span withoutAttribute(Span span, String key) {
    return span.toBuilder().clearAttributes().addAllAttributes(
        span.getAttributesList().stream().filter(a -> !a.getKey().equals(key)).toList()).build();
  }

  private static Resource withoutAttribute(Resource resource, String key) {
    return resource.toBuilder().clearAttributes().addAllAttributes(
        resource.getAttributesList().stream().filter(a -> !a.getKey().equals(key)).toList()).build();
  }

  // =============================================================================================
  // Values

  /** The kinds of value an attribute can have, each with a few samples. */
  enum Kind {
    STRING, INT, DOUBLE, BOOL, STRING_ARRAY, EMPTY_ARRAY, ARRAY_WITH_A_NON_STRING, ARRAY_WITH_AN_EMPTY_VALUE,
    KVLIST, BYTES, EMPTY_VALUE, NO_VALUE;

    List<KeyValue> samples(String key) {
      return sampleValues().stream().map(value -> keyValue(key, value)).toList();
    }

    /** NO_VALUE's one sample is {@code null}: a KeyValue without a value field. */
    private List<AnyValue> sampleValues() {
      return switch (this) {
        case STRING -> STRINGS.stream().map(WireSpansTest::stringValue).toList();
        case INT -> LongStream.of(0, 1, 42, -1, Long.MAX_VALUE, Long.MIN_VALUE).mapToObj(WireSpansTest::intValue)
            .toList();
        case DOUBLE -> DoubleStream.of(0.0, 12.9, -0.5, 1e19, -1e19, Double.NaN, Double.NEGATIVE_INFINITY,
            Double.MIN_VALUE).mapToObj(WireSpansTest::doubleValue).toList();
        case BOOL -> List.of(bool(true), bool(false));
        case STRING_ARRAY -> List.of(array(stringValue("a")),
            array(stringValue("a"), stringValue("日本語 🚀"), stringValue("")));
        case EMPTY_ARRAY -> List.of(array());
        case ARRAY_WITH_A_NON_STRING -> List.of(array(stringValue("a"), intValue(3)), array(intValue(3)),
            array(stringValue("a"), bool(true)), array(array(stringValue("a"))));
        case ARRAY_WITH_AN_EMPTY_VALUE -> List.of(array(stringValue("a"), AnyValue.getDefaultInstance()),
            array(AnyValue.getDefaultInstance()));
        case KVLIST -> List.of(kvlist(string("k", "v")), kvlist());
        case BYTES -> List.of(AnyValue.newBuilder().setBytesValue(ByteString.copyFrom(bytes(1, 2, 3))).build(),
            AnyValue.newBuilder().setBytesValue(ByteString.EMPTY).build());
        case EMPTY_VALUE -> List.of(AnyValue.getDefaultInstance());
        case NO_VALUE -> Collections.singletonList(null);
      };
    }
  }

  /** A KeyValue; without a value field when {@code value} is {@code null}. */
  private static KeyValue keyValue(String key, AnyValue value) {
    KeyValue.Builder keyValue = KeyValue.newBuilder().setKey(key);
    if (value != null) {
      keyValue.setValue(value);
    }
    return keyValue.build();
  }

  private static AnyValue stringValue(String s) {
    return AnyValue.newBuilder().setStringValue(s).build();
  }

  private static AnyValue intValue(long l) {
    return AnyValue.newBuilder().setIntValue(l).build();
  }

  private static AnyValue doubleValue(double d) {
    return AnyValue.newBuilder().setDoubleValue(d).build();
  }

  private static AnyValue bool(boolean b) {
    return AnyValue.newBuilder().setBoolValue(b).build();
  }

  private static AnyValue array(AnyValue... values) {
    return AnyValue.newBuilder().setArrayValue(ArrayValue.newBuilder().addAllValues(List.of(values))).build();
  }

  private static AnyValue kvlist(KeyValue... values) {
    return AnyValue.newBuilder().setKvlistValue(KeyValueList.newBuilder().addAllValues(List.of(values))).build();
  }

  private static String shortly(KeyValue attribute) {
    String value = attribute.hasValue() ? attribute.getValue().toString().replace('\n', ' ').trim() : "(no value)";
    return "'" + attribute.getKey() + "' = " + (value.length() > 60 ? value.substring(0, 60) + "..." : value);
  }

  private static byte[] bytes(int... values) {
    byte[] bytes = new byte[values.length];
    for (int i = 0; i < values.length; i++) {
      bytes[i] = (byte) values[i];
    }
    return bytes;
  }

  /** {@code length} bytes, none of them zero: 1, 2, 3... */
  private static byte[] sequence(int length) {
    byte[] bytes = new byte[length];
    for (int i = 0; i < length; i++) {
      bytes[i] = (byte) (i * 37 + 1);
    }
    return bytes;
  }

  // =============================================================================================
  // Writing bytes by hand

  /** Protobuf bytes written field by field, in any order, as often as wanted, broken if wanted. */
  static final class Wire {
    private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    private final CodedOutputStream out = CodedOutputStream.newInstance(bytes);
    /** Whether varints are written one byte longer than needed (a continuation bit, then a 0). */
    private final boolean padded;

    Wire() {
      this(false);
    }

    Wire(boolean padded) {
      this.padded = padded;
    }

    static Wire of(MessageLite message) {
      return new Wire().raw(message.toByteArray());
    }

    Wire raw(byte[] raw) {
      return write(o -> o.writeRawBytes(raw));
    }

    Wire raw(int... raw) {
      return raw(WireSpansTest.bytes(raw));
    }

    Wire raw(Wire wire) {
      return raw(wire.toByteArray());
    }

    Wire tag(int field, int wireType) {
      return rawVarint(((long) field << 3) | wireType);
    }

    Wire rawVarint(long value) {
      if (!padded || CodedOutputStream.computeUInt64SizeNoTag(value) == 10) {
        return write(o -> o.writeUInt64NoTag(value));
      }
      return write(o -> {
        long rest = value;
        while ((rest & ~0x7FL) != 0) {
          o.write((byte) ((rest & 0x7F) | 0x80));
          rest >>>= 7;
        }
        o.write((byte) (rest | 0x80));
        o.write((byte) 0);
      });
    }

    Wire varint(int field, long value) {
      return tag(field, WireFormat.WIRETYPE_VARINT).rawVarint(value);
    }

    Wire fixed64(int field, long value) {
      tag(field, WireFormat.WIRETYPE_FIXED64);
      return write(o -> o.writeFixed64NoTag(value));
    }

    Wire fixed32(int field, int value) {
      tag(field, WireFormat.WIRETYPE_FIXED32);
      return write(o -> o.writeFixed32NoTag(value));
    }

    Wire bytes(int field, byte[] value) {
      return tag(field, WireFormat.WIRETYPE_LENGTH_DELIMITED).rawVarint(value.length).raw(value);
    }

    Wire string(int field, String value) {
      return bytes(field, value.getBytes(UTF_8));
    }

    Wire message(int field, Wire message) {
      return bytes(field, message.toByteArray());
    }

    Wire message(int field, MessageLite message) {
      return bytes(field, message.toByteArray());
    }

    Wire group(int field, Wire content) {
      return tag(field, WireFormat.WIRETYPE_START_GROUP).raw(content).tag(field, WireFormat.WIRETYPE_END_GROUP);
    }

    byte[] toByteArray() {
      write(CodedOutputStream::flush);
      return bytes.toByteArray();
    }

    @Override
    public String toString() {
      return HEX.formatHex(toByteArray());
    }

    private Wire write(Write write) {
      try {
        write.to(out);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
      return this;
    }

    private interface Write {
      void to(CodedOutputStream out) throws IOException;
    }
  }

  /** A request of {@link #AGENT}'s resource and one scope of these spans. */
  private static Wire requestOf(Wire... spans) {
    Wire scope = new Wire();
    for (Wire span : spans) {
      scope.message(ScopeSpans.SPANS_FIELD_NUMBER, span);
    }
    return new Wire().message(ExportTraceServiceRequest.RESOURCE_SPANS_FIELD_NUMBER, new Wire()
        .message(ResourceSpans.RESOURCE_FIELD_NUMBER, agentResource())
        .message(ResourceSpans.SCOPE_SPANS_FIELD_NUMBER, scope));
  }

  private static Resource agentResource() {
    return AGENT.resourceSpans().getResource();
  }

  /** An attribute that {@link #replacingMarker} writes otherwise. */
  private static final KeyValue MARKER = string("wirespans.marker", "replace me");

  /** {@code request}'s bytes with {@link #MARKER}'s written as {@code keyValue} (its content). */
  private static byte[] replacingMarker(ExportTraceServiceRequest request, Wire keyValue) {
    byte[] replacement = keyValue.toByteArray();
    return encode(request, EnumSet.noneOf(Encoding.class), m -> m.equals(MARKER) ? replacement : null);
  }

  /** {@code key}'s attribute written in odd ways, by what the way is. */
  private static Map<String, Wire> keyValueWritings(String key) {
    int keyField = KeyValue.KEY_FIELD_NUMBER;
    int valueField = KeyValue.VALUE_FIELD_NUMBER;
    Wire string12 = new Wire().string(AnyValue.STRING_VALUE_FIELD_NUMBER, "12");
    Wire stringA = new Wire().string(AnyValue.STRING_VALUE_FIELD_NUMBER, "a");
    Wire int3 = new Wire().varint(AnyValue.INT_VALUE_FIELD_NUMBER, 3);
    Wire empty = new Wire();
    Wire arrayA = new Wire().message(AnyValue.ARRAY_VALUE_FIELD_NUMBER, new Wire().message(ArrayValue.VALUES_FIELD_NUMBER,
        stringA));
    Wire arrayBC = new Wire().message(AnyValue.ARRAY_VALUE_FIELD_NUMBER, new Wire()
        .message(ArrayValue.VALUES_FIELD_NUMBER, new Wire().string(AnyValue.STRING_VALUE_FIELD_NUMBER, "b"))
        .message(ArrayValue.VALUES_FIELD_NUMBER, new Wire().string(AnyValue.STRING_VALUE_FIELD_NUMBER, "c")));
    Wire arrayOf1 = new Wire().message(AnyValue.ARRAY_VALUE_FIELD_NUMBER, new Wire().message(ArrayValue.VALUES_FIELD_NUMBER,
        new Wire().varint(AnyValue.INT_VALUE_FIELD_NUMBER, 1)));
    Wire kvlist = new Wire().message(AnyValue.KVLIST_VALUE_FIELD_NUMBER, new Wire().message(
        KeyValueList.VALUES_FIELD_NUMBER, string("k", "v")));
    Map<String, Wire> writings = new LinkedHashMap<>();
    writings.put("value before key", new Wire().message(valueField, string12).string(keyField, key));
    writings.put("array value before key", new Wire().message(valueField, arrayBC).string(keyField, key));
    writings.put("key twice, this one last", new Wire().string(keyField, "other").message(valueField, string12)
        .string(keyField, key));
    writings.put("key twice, this one first", new Wire().string(keyField, key).message(valueField, string12)
        .string(keyField, "other"));
    writings.put("key written empty after it", new Wire().string(keyField, key).string(keyField, "")
        .message(valueField, string12));
    List<List<Wire>> valueSequences = List.of(
        List.of(stringA, int3), List.of(int3, empty), List.of(arrayA, arrayBC), List.of(arrayA, stringA, arrayBC),
        List.of(stringA, empty, empty), List.of(kvlist, string12), List.of(arrayA, arrayOf1), List.of(empty, arrayA),
        List.of(int3, new Wire().varint(AnyValue.INT_VALUE_FIELD_NUMBER, 0)),
        List.of(new Wire().varint(AnyValue.BOOL_VALUE_FIELD_NUMBER, 1), new Wire().varint(AnyValue.BOOL_VALUE_FIELD_NUMBER, 0)),
        List.of(string12, new Wire().string(AnyValue.STRING_VALUE_FIELD_NUMBER, "")),
        List.of(new Wire().raw(stringA).raw(int3)), List.of(new Wire().raw(int3).raw(string12)),
        List.of(new Wire().raw(arrayA).raw(arrayBC)), List.of(new Wire().raw(arrayBC).raw(stringA).raw(arrayA)),
        List.of(new Wire().message(AnyValue.ARRAY_VALUE_FIELD_NUMBER, new Wire()
            .message(ArrayValue.VALUES_FIELD_NUMBER, new Wire().raw(stringA).raw(int3)))),
        List.of(new Wire().message(AnyValue.ARRAY_VALUE_FIELD_NUMBER, new Wire()
            .message(ArrayValue.VALUES_FIELD_NUMBER, new Wire().raw(int3).raw(stringA)))));
    for (List<Wire> values : valueSequences) {
      Wire keyValue = new Wire().string(keyField, key);
      for (Wire value : values) {
        keyValue.message(valueField, value);
      }
      writings.put("value fields " + values, keyValue);
    }
    return writings;
  }

  static Stream<Arguments> nonCanonicalRequests() {
    Run run = Run.create("com.acme.Odd#run", NOW - 10);
    Span start = AGENT.jobStart(run, NOW);
    Span failed = failedJob(Run.create("com.acme.Failing#run", NOW - 10));
    Span noOutcome = withoutAttribute(AGENT.jobEnd(run, NOW, JobOutcome.COMPLETED), AttributeKeys.JOB_OUTCOME);
    Resource resource = agentResource();
    Resource firstHalf = resource.toBuilder().clearAttributes().addAllAttributes(resource.getAttributesList().subList(0, 2))
        .build();
    Resource secondHalf = resource.toBuilder().clearAttributes()
        .addAllAttributes(resource.getAttributesList().subList(2, resource.getAttributesCount())).build();
    ScopeSpans scope = ScopeSpans.newBuilder().setScope(InstrumentationScope.newBuilder().setName("s"))
        .addSpans(start).addSpans(failed).addSpans(noOutcome).build();
    int resourceField = ResourceSpans.RESOURCE_FIELD_NUMBER;
    int scopeField = ResourceSpans.SCOPE_SPANS_FIELD_NUMBER;
    int statusField = Span.STATUS_FIELD_NUMBER;
    Function<Wire, Wire> request = resourceSpans -> new Wire()
        .message(ExportTraceServiceRequest.RESOURCE_SPANS_FIELD_NUMBER, resourceSpans);
    Span startWithoutAttributes = start.toBuilder().clearAttributes().build();
    Wire startAttributes = new Wire();
    start.getAttributesList().forEach(a -> startAttributes.message(Span.ATTRIBUTES_FIELD_NUMBER, a));
    Span.Event exception = failed.getEvents(0);
    Wire exceptionAttributes = new Wire();
    exception.getAttributesList().forEach(a -> exceptionAttributes.message(Span.Event.ATTRIBUTES_FIELD_NUMBER, a));
    Span failedWithoutEvents = failed.toBuilder().clearEvents().build();

    return Stream.of(
        arguments("scope_spans before resource", request.apply(new Wire().message(scopeField, scope)
            .message(resourceField, resource))),
        arguments("resource twice (merged: attributes concatenated)", request.apply(new Wire()
            .message(resourceField, firstHalf).message(scopeField, scope).message(resourceField, secondHalf))),
        arguments("resource twice, the second with another service.instance.id", request.apply(new Wire()
            .message(resourceField, resource).message(scopeField, scope).message(resourceField, Resource.newBuilder()
                .addAttributes(string(AttributeKeys.SERVICE_INSTANCE_ID, "another")).build()))),
        arguments("resource twice, the second's service.instance.id without value", request.apply(new Wire()
            .message(resourceField, resource).message(resourceField, Resource.newBuilder()
                .addAttributes(keyValue(AttributeKeys.SERVICE_INSTANCE_ID, null)).build()).message(scopeField, scope))),
        arguments("resource twice, the first empty", request.apply(new Wire()
            .message(resourceField, new Wire()).message(scopeField, scope).message(resourceField, resource))),
        arguments("scope_spans, resource, scope_spans", request.apply(new Wire().message(scopeField, scope)
            .message(resourceField, resource).message(scopeField, scope))),
        arguments("a span's attributes before its name", requestOf(new Wire().raw(startAttributes)
            .raw(startWithoutAttributes.toByteArray()))),
        arguments("a span's name twice: foreign, then jobpulse.job.start",
            requestOf(new Wire().string(Span.NAME_FIELD_NUMBER, "GET /x").raw(start.toByteArray()))),
        arguments("a span's name twice: jobpulse.job.start, then foreign",
            requestOf(Wire.of(start).string(Span.NAME_FIELD_NUMBER, "GET /x"))),
        arguments("a span's name twice: jobpulse.job.start, then jobpulse.job",
            requestOf(Wire.of(start).string(Span.NAME_FIELD_NUMBER, SpanNames.JOB))),
        arguments("a span's name twice: jobpulse.job.start, then empty",
            requestOf(Wire.of(start).string(Span.NAME_FIELD_NUMBER, ""))),
        arguments("a span's name last of all, after two others",
            requestOf(new Wire().string(Span.NAME_FIELD_NUMBER, SpanNames.WORKER_STOP).raw(startAttributes)
                .string(Span.NAME_FIELD_NUMBER, "x").raw(startWithoutAttributes.toByteArray()))),
        arguments("two status fields merged: code, then message", requestOf(Wire.of(noOutcome)
            .message(statusField, Status.newBuilder().setCode(Status.StatusCode.STATUS_CODE_ERROR).build())
            .message(statusField, Status.newBuilder().setMessage("second").build()))),
        arguments("two status fields merged: the second's code 0 written", requestOf(Wire.of(noOutcome)
            .message(statusField, Status.newBuilder().setCode(Status.StatusCode.STATUS_CODE_ERROR).setMessage("m").build())
            .message(statusField, new Wire().varint(Status.CODE_FIELD_NUMBER, 0)))),
        arguments("two status fields merged: the second's message empty, written", requestOf(Wire.of(failed)
            .message(statusField, new Wire().string(Status.MESSAGE_FIELD_NUMBER, "")))),
        arguments("two status fields merged: the second empty", requestOf(Wire.of(failed)
            .message(statusField, new Wire()))),
        arguments("a status with its code twice", requestOf(Wire.of(noOutcome).message(statusField, new Wire()
            .varint(Status.CODE_FIELD_NUMBER, 2).string(Status.MESSAGE_FIELD_NUMBER, "m")
            .varint(Status.CODE_FIELD_NUMBER, 1)))),
        arguments("a status with its message before its code and twice", requestOf(Wire.of(noOutcome)
            .message(statusField, new Wire().string(Status.MESSAGE_FIELD_NUMBER, "a")
                .varint(Status.CODE_FIELD_NUMBER, 2).string(Status.MESSAGE_FIELD_NUMBER, "b")))),
        arguments("trace_id twice, 16 bytes then 8", requestOf(Wire.of(start)
            .bytes(Span.TRACE_ID_FIELD_NUMBER, sequence(8)))),
        arguments("span_id of a jobpulse.job twice, the second empty", requestOf(Wire.of(noOutcome)
            .bytes(Span.SPAN_ID_FIELD_NUMBER, new byte[0]))),
        arguments("parent_span_id written empty", requestOf(Wire.of(start)
            .bytes(Span.PARENT_SPAN_ID_FIELD_NUMBER, new byte[0]))),
        arguments("start and end times twice", requestOf(Wire.of(start)
            .fixed64(Span.START_TIME_UNIX_NANO_FIELD_NUMBER, 123_456_789_000_000L)
            .fixed64(Span.END_TIME_UNIX_NANO_FIELD_NUMBER, -1L))),
        arguments("an event's attributes before its name", requestOf(Wire.of(failedWithoutEvents)
            .message(Span.EVENTS_FIELD_NUMBER, new Wire().raw(exceptionAttributes)
                .string(Span.Event.NAME_FIELD_NUMBER, SpanNames.EVENT_EXCEPTION)))),
        arguments("an event's name twice: exception, then log", requestOf(Wire.of(failedWithoutEvents)
            .message(Span.EVENTS_FIELD_NUMBER, Wire.of(exception).string(Span.Event.NAME_FIELD_NUMBER, "log")))),
        arguments("an event's name twice: log, then exception", requestOf(Wire.of(failedWithoutEvents)
            .message(Span.EVENTS_FIELD_NUMBER, new Wire().string(Span.Event.NAME_FIELD_NUMBER, "log")
                .raw(exception.toByteArray())))),
        arguments("a span's events before everything else", requestOf(new Wire()
            .message(Span.EVENTS_FIELD_NUMBER, exception).raw(failedWithoutEvents.toByteArray()))),
        arguments("an unknown field between two resource_spans", new Wire()
            .raw(AGENT.request(start).toByteArray()).bytes(99, bytes(0xFF, 0x0C))
            .raw(OTHER_AGENT.request(OTHER_AGENT.jobStart(run, NOW)).toByteArray())),
        arguments("known fields with the wrong wire type (the parser keeps them as unknown)", requestOf(Wire.of(start)
            .varint(Span.NAME_FIELD_NUMBER, 5).fixed32(Span.ATTRIBUTES_FIELD_NUMBER, 7)
            .varint(Span.TRACE_ID_FIELD_NUMBER, 1).fixed64(Span.STATUS_FIELD_NUMBER, 2)
            .varint(Span.START_TIME_UNIX_NANO_FIELD_NUMBER, 3).bytes(Span.KIND_FIELD_NUMBER, bytes(1)))),
        arguments("a span's name with the wrong wire type only", requestOf(new Wire().varint(Span.NAME_FIELD_NUMBER, 1)
            .raw(startWithoutAttributes.toBuilder().clearName().build().toByteArray()).raw(startAttributes))),
        arguments("KeyValue and AnyValue fields with the wrong wire type", requestOf(Wire.of(start)
            .message(Span.ATTRIBUTES_FIELD_NUMBER, new Wire().string(KeyValue.KEY_FIELD_NUMBER, AttributeKeys.JOB_NAME)
                .varint(KeyValue.KEY_FIELD_NUMBER, 1).fixed64(KeyValue.VALUE_FIELD_NUMBER, 1)
                .message(KeyValue.VALUE_FIELD_NUMBER, new Wire().string(AnyValue.STRING_VALUE_FIELD_NUMBER, "n")
                    .varint(AnyValue.STRING_VALUE_FIELD_NUMBER, 1).bytes(AnyValue.INT_VALUE_FIELD_NUMBER, bytes(5))
                    .fixed32(AnyValue.BOOL_VALUE_FIELD_NUMBER, 1).varint(AnyValue.ARRAY_VALUE_FIELD_NUMBER, 0))))),
        arguments("resource_spans, resource and scope_spans with the wrong wire type", new Wire()
            .varint(ExportTraceServiceRequest.RESOURCE_SPANS_FIELD_NUMBER, 1)
            .message(ExportTraceServiceRequest.RESOURCE_SPANS_FIELD_NUMBER, new Wire()
                .fixed64(resourceField, 1).message(resourceField, resource).fixed32(scopeField, 1)
                .message(scopeField, scope).varint(scopeField, 0))));
  }

  static Stream<Arguments> varintOddities() {
    Run run = Run.create("com.acme.Varint#run", NOW - 10);
    Span start = AGENT.jobStart(run, NOW);
    Span noOutcome = withoutAttribute(AGENT.jobEnd(run, NOW, JobOutcome.COMPLETED), AttributeKeys.JOB_OUTCOME);
    List<Arguments> cases = new ArrayList<>();
    for (long bool : new long[] {2, 256, 1L << 32, Long.MIN_VALUE, -1}) {
      Wire keyValue = new Wire().string(KeyValue.KEY_FIELD_NUMBER, AttributeKeys.STACK_MOVED)
          .message(KeyValue.VALUE_FIELD_NUMBER, new Wire().varint(AnyValue.BOOL_VALUE_FIELD_NUMBER, bool));
      cases.add(arguments("a bool written as " + bool, new Wire().raw(replacingMarker(requestWith(Place.ACTIVE_EVENT,
          List.of(MARKER)), keyValue))));
    }
    for (long code : new long[] {(1L << 32) + 2, -1, (1L << 31) + 2, Long.MAX_VALUE}) {
      cases.add(arguments("a status code written as " + code, requestOf(Wire.of(noOutcome)
          .message(Span.STATUS_FIELD_NUMBER, new Wire().varint(Status.CODE_FIELD_NUMBER, code)))));
    }
    cases.add(arguments("a span kind written as 2^40", requestOf(Wire.of(start).varint(Span.KIND_FIELD_NUMBER, 1L << 40))));
    cases.add(arguments("tags, lengths and varints one byte longer than needed", new Wire()
        .raw(encode(agentTraffic(), EnumSet.of(Encoding.PADDED_VARINTS)))));
    cases.add(arguments("a tag of 0x0A written in six bytes, bits above 32 set",
        new Wire().raw(0x8A, 0x80, 0x80, 0x80, 0x80, 0x01).rawVarint(AGENT.request(start).getResourceSpans(0)
            .getSerializedSize()).raw(AGENT.request(start).getResourceSpans(0).toByteArray())));
    byte[] resourceSpans = AGENT.request(start).getResourceSpans(0).toByteArray();
    cases.add(arguments("a length with bit 32 set", new Wire()
        .tag(ExportTraceServiceRequest.RESOURCE_SPANS_FIELD_NUMBER, WireFormat.WIRETYPE_LENGTH_DELIMITED)
        .rawVarint((1L << 32) + resourceSpans.length).raw(resourceSpans)));
    cases.add(arguments("an int value of 5 written in ten bytes", new Wire().raw(replacingMarker(
        requestWith(Place.JOB_START, List.of(MARKER)), new Wire().string(KeyValue.KEY_FIELD_NUMBER,
            AttributeKeys.PROGRESS_TOTAL).message(KeyValue.VALUE_FIELD_NUMBER, new Wire()
            .tag(AnyValue.INT_VALUE_FIELD_NUMBER, WireFormat.WIRETYPE_VARINT)
            .raw(0x85, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x00))))));
    cases.add(arguments("an unknown field of the largest number", requestOf(Wire.of(start)
        .varint(536_870_911, 1).bytes(536_870_911, bytes(1, 2)))));
    return cases.stream();
  }

  // =============================================================================================
  // Malformed bodies

  static Stream<Arguments> truncatable() {
    Run run = Run.create("com.acme.Cut#run", NOW - 10);
    return Stream.of(
        arguments("agent traffic", agentTraffic().toByteArray()),
        arguments("a failed run's end and a heartbeat written every odd way",
            encode(AGENT.request(failedJob(run), heartbeat(run)), EnumSet.allOf(Encoding.class))),
        arguments("a start span written with its fields reversed",
            encode(AGENT.request(AGENT.jobStart(run, NOW)),
                EnumSet.of(Encoding.REVERSED_FIELDS))));
  }

  static Stream<Arguments> malformedBodies() {
    Span start = AGENT.jobStart(Run.create("com.acme.Broken#run", NOW), NOW);
    byte[] valid = AGENT.request(start).toByteArray();
    int endGroup = WireFormat.WIRETYPE_END_GROUP;
    int length = WireFormat.WIRETYPE_LENGTH_DELIMITED;
    byte[] jobIdKey = new Wire().string(KeyValue.KEY_FIELD_NUMBER, AttributeKeys.JOB_ID).toByteArray();
    Wire nextSpan = Wire.of(AGENT.jobStart(Run.create("com.acme.Next#run", NOW), NOW));
    byte[] startBytes = start.toByteArray();
    byte[] kv = string(AttributeKeys.JOB_NAME, "n").toByteArray();
    ResourceSpans resourceSpans = AGENT.request(start).getResourceSpans(0);

    return Stream.of(
        arguments("an end-group tag after the request", new Wire().raw(valid).tag(1, endGroup)),
        arguments("an end-group tag before the request", new Wire().tag(7, endGroup).raw(valid)),
        arguments("an end-group tag in a ResourceSpans", new Wire().message(1, Wire.of(resourceSpans).tag(2, endGroup))),
        arguments("an end-group tag in a jobpulse.job.start span", requestOf(Wire.of(start).tag(99, endGroup))),
        arguments("an end-group tag first in a jobpulse.job.start span", requestOf(new Wire().tag(1, endGroup)
            .raw(startBytes))),
        arguments("an end-group tag as a span's attributes field",
            requestOf(Wire.of(start).tag(Span.ATTRIBUTES_FIELD_NUMBER, endGroup))),
        arguments("an end-group tag in the jobpulse.job.id KeyValue", requestOf(Wire.of(start).message(
            Span.ATTRIBUTES_FIELD_NUMBER, new Wire().raw(jobIdKey).tag(KeyValue.VALUE_FIELD_NUMBER, endGroup)))),
        arguments("an end-group tag in the jobpulse.job.id AnyValue", requestOf(Wire.of(start).message(
            Span.ATTRIBUTES_FIELD_NUMBER, new Wire().raw(jobIdKey).message(KeyValue.VALUE_FIELD_NUMBER,
                new Wire().tag(AnyValue.STRING_VALUE_FIELD_NUMBER, endGroup))))),
        arguments("field number 0 after the request", new Wire().raw(valid).raw(0x00, 0x01)),
        arguments("field number 0 in a span", requestOf(Wire.of(start).raw(0x02, 0x00))),
        arguments("field number 0 in a KeyValue", requestOf(Wire.of(start).message(Span.ATTRIBUTES_FIELD_NUMBER,
            new Wire().raw(jobIdKey).raw(0x00, 0x00)))),
        arguments("wire type 6 after the request", new Wire().raw(valid).tag(9, 6).raw(0x01)),
        arguments("wire type 7 in a span", requestOf(Wire.of(start).tag(20, 7).raw(0x01))),
        arguments("wire type 6 in a span's resource", new Wire().message(1, new Wire()
            .message(ResourceSpans.RESOURCE_FIELD_NUMBER, Wire.of(agentResource()).tag(5, 6))
            .message(ResourceSpans.SCOPE_SPANS_FIELD_NUMBER, resourceSpans.getScopeSpans(0)))),
        arguments("a length running past the end", new Wire().raw(valid).tag(1, length).rawVarint(40)
            .raw(new byte[10])),
        arguments("the last ResourceSpans one byte short", new Wire().raw(Arrays.copyOf(valid, valid.length - 1))),
        arguments("a span running past its ScopeSpans (not past the body)", new Wire().message(1, new Wire()
            .message(ResourceSpans.RESOURCE_FIELD_NUMBER, agentResource())
            .message(ResourceSpans.SCOPE_SPANS_FIELD_NUMBER, new Wire().tag(ScopeSpans.SPANS_FIELD_NUMBER, length)
                .rawVarint(startBytes.length + 3).raw(startBytes))
            .string(ResourceSpans.SCHEMA_URL_FIELD_NUMBER, "https://x"))),
        arguments("an attribute running past its span (not past the body)", requestOf(Wire.of(start)
            .tag(Span.ATTRIBUTES_FIELD_NUMBER, length).rawVarint(kv.length + 3).raw(kv), nextSpan)),
        arguments("a key running past its KeyValue (not past the body)", requestOf(Wire.of(start)
            .message(Span.ATTRIBUTES_FIELD_NUMBER, new Wire().tag(KeyValue.KEY_FIELD_NUMBER, length)
                .rawVarint(AttributeKeys.JOB_ID.length() + 3).raw(AttributeKeys.JOB_ID.getBytes(UTF_8))), nextSpan)),
        arguments("a used string value running past its AnyValue (not past the body)", requestOf(Wire.of(start)
            .message(Span.ATTRIBUTES_FIELD_NUMBER, new Wire().raw(jobIdKey).message(KeyValue.VALUE_FIELD_NUMBER,
                new Wire().tag(AnyValue.STRING_VALUE_FIELD_NUMBER, length).rawVarint(6).raw('a', 'b'))), nextSpan)),
        arguments("an unknown field running past its span (not past the body)", requestOf(Wire.of(start)
            .tag(50, length).rawVarint(6).raw(1, 2, 3), nextSpan)),
        arguments("a length of -1 (ten bytes)", new Wire().tag(1, length).rawVarint(-1L).raw(valid)),
        arguments("a length of -1 for jobpulse.job.id's value", requestOf(Wire.of(start).message(
            Span.ATTRIBUTES_FIELD_NUMBER, new Wire().raw(jobIdKey).tag(KeyValue.VALUE_FIELD_NUMBER, length)
                .rawVarint(-1L).raw(0x0A, 0x01, 'x')))),
        arguments("a length of -1 for a span's name", requestOf(Wire.of(start).tag(Span.NAME_FIELD_NUMBER, length)
            .rawVarint(-1L).raw('x'))),
        arguments("a length of 2^31 - 1", new Wire().tag(1, length).rawVarint(Integer.MAX_VALUE).raw(valid)),
        arguments("a length of 2^31 (negative as an int)", new Wire().tag(1, length).rawVarint(1L << 31).raw(valid)),
        arguments("a length of 2^32 - 1", new Wire().tag(1, length).rawVarint(0xFFFF_FFFFL).raw(valid)),
        arguments("a varint of eleven bytes as a tag", new Wire().raw(valid)
            .raw(0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x01)),
        arguments("a varint of eleven bytes as a used int value", requestOf(Wire.of(start).message(
            Span.ATTRIBUTES_FIELD_NUMBER, new Wire().string(KeyValue.KEY_FIELD_NUMBER, AttributeKeys.PROGRESS_TOTAL)
                .message(KeyValue.VALUE_FIELD_NUMBER, new Wire().tag(AnyValue.INT_VALUE_FIELD_NUMBER, 0)
                    .raw(0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x01))))),
        arguments("a varint cut by the end of the body", new Wire().raw(valid).raw(0x0A, 0x80)),
        arguments("a tag cut by the end of the body", new Wire().raw(valid).raw(0x80)),
        arguments("a varint cut by the end of its span", requestOf(Wire.of(start).raw(0x30, 0x80), nextSpan)),
        arguments("a fixed64 start time cut by the end of its span",
            requestOf(Wire.of(start).tag(Span.START_TIME_UNIX_NANO_FIELD_NUMBER, WireFormat.WIRETYPE_FIXED64)
                .raw(1, 2, 3, 4), nextSpan)),
        arguments("a fixed64 time cut by the end of the body", new Wire().raw(valid).tag(1, WireFormat.WIRETYPE_FIXED64)
            .raw(1, 2)),
        arguments("a used double value cut by the end of its AnyValue", requestOf(Wire.of(start).message(
            Span.ATTRIBUTES_FIELD_NUMBER, new Wire().string(KeyValue.KEY_FIELD_NUMBER, AttributeKeys.PROGRESS_TOTAL)
                .message(KeyValue.VALUE_FIELD_NUMBER, new Wire().tag(AnyValue.DOUBLE_VALUE_FIELD_NUMBER,
                    WireFormat.WIRETYPE_FIXED64).raw(0, 0, 0, 0))), nextSpan)));
  }

  static Stream<Arguments> invalidUtf8InReadStrings() {
    record Read(Place place, String key, boolean inArray) {}
    List<Read> reads = List.of(new Read(Place.JOB_START, AttributeKeys.JOB_ID, false),
        new Read(Place.JOB_PENDING, AttributeKeys.JOB_NAME, false),
        new Read(Place.JOB_START, AttributeKeys.THREAD_NAME, false),
        new Read(Place.JOB_START, AttributeKeys.PROGRESS_TOTAL, false),
        new Read(Place.JOB_COMPLETED, AttributeKeys.JOB_OUTCOME, false),
        new Read(Place.JOB_COMPLETED, AttributeKeys.JOB_BUSINESS_ID, false),
        new Read(Place.JOB_FAILED, AttributeKeys.JOB_PREVIOUS_ATTEMPT_ID, false),
        new Read(Place.RESOURCE, AttributeKeys.SERVICE_INSTANCE_ID, false),
        new Read(Place.RESOURCE, AttributeKeys.SERVICE_NAME, false),
        new Read(Place.RESOURCE, AttributeKeys.PROCESS_PID, false),
        new Read(Place.RESOURCE, AttributeKeys.AGENT_VERSION, false),
        new Read(Place.EXCEPTION_EVENT, AttributeKeys.EXCEPTION_TYPE, false),
        new Read(Place.EXCEPTION_EVENT, AttributeKeys.EXCEPTION_MESSAGE, false),
        new Read(Place.ACTIVE_EVENT, AttributeKeys.STACK_TOP, false),
        new Read(Place.ACTIVE_EVENT, AttributeKeys.THREAD_STATE, false),
        new Read(Place.SUMMARY_EVENT, AttributeKeys.JOB_NAME, false),
        new Read(Place.HEARTBEAT, AttributeKeys.HEARTBEAT_INTERVAL_MS, false),
        new Read(Place.HEARTBEAT, AttributeKeys.HEARTBEAT_ACTIVE_JOBS, true),
        new Read(Place.HEARTBEAT, AttributeKeys.HEARTBEAT_PENDING_JOBS, true),
        new Read(Place.WORKER_STOP, AttributeKeys.WORKER_ABANDONED_JOBS, true));
    List<Arguments> cases = new ArrayList<>();
    for (byte[] invalid : INVALID_UTF8) {
      String bytes = HEX.formatHex(invalid);
      for (Read read : reads) {
        String placeholder = placeholder(invalid.length);
        AnyValue value = read.inArray() ? array(stringValue("ok"), stringValue(placeholder)) : stringValue(placeholder);
        ExportTraceServiceRequest request = requestWith(read.place(), List.of(keyValue(read.key(), value)));
        cases.add(arguments(bytes + " in " + read.key() + " at " + read.place(), withInvalidUtf8(request, invalid)));
      }
      Span failed = failedJob(Run.create("com.acme.Status#run", NOW)).toBuilder()
          .setStatus(Status.newBuilder().setCode(Status.StatusCode.STATUS_CODE_ERROR)
              .setMessage(placeholder(invalid.length))).build();
      cases.add(arguments(bytes + " in a jobpulse.job span's status message",
          withInvalidUtf8(AGENT.request(failed), invalid)));
    }
    return cases.stream();
  }

  static Stream<Arguments> defectsInSkippedContent() {
    List<Arguments> cases = new ArrayList<>();
    Run run = Run.create("com.acme.Skip#run", NOW);
    Span start = AGENT.jobStart(run, NOW);
    for (byte[] invalid : List.of(bytes(0xFF), bytes(0xC0, 0x80), bytes(0xED, 0xA0, 0x80))) {
      String p = placeholder(invalid.length);
      String bytes = HEX.formatHex(invalid);
      Map<String, ExportTraceServiceRequest> requests = new LinkedHashMap<>();
      requests.put("a foreign span's name", AGENT.request(start, foreignSpan(p)));
      requests.put("a foreign span's thread.name", requestWith(Place.FOREIGN_SPAN,
          List.of(string(AttributeKeys.THREAD_NAME, p))));
      requests.put("the key of a start span's attribute", requestWith(Place.JOB_START, List.of(string(p, "v"))));
      requests.put("the value of a start span's unused attribute", requestWith(Place.JOB_START,
          List.of(string("http.request.method", p))));
      requests.put("exception.stacktrace", requestWith(Place.EXCEPTION_EVENT,
          List.of(string(AttributeKeys.EXCEPTION_STACKTRACE, p))));
      requests.put("a resource's unused attribute", requestWith(Place.RESOURCE, List.of(string("os.type", p))));
      requests.put("a heartbeat's event name", AGENT.request(heartbeat(run).toBuilder()
          .addEvents(Span.Event.newBuilder().setName(p)).build()));
      requests.put("a scope's name", ExportTraceServiceRequest.newBuilder().addResourceSpans(AGENT.resourceSpans(start)
          .toBuilder().setScopeSpans(0, ScopeSpans.newBuilder().setScope(InstrumentationScope.newBuilder().setName(p))
              .addSpans(start))).build());
      requests.put("a start span's trace_state", AGENT.request(start.toBuilder().setTraceState(p).build()));
      requests.put("a start span's link's trace_state", AGENT.request(start.toBuilder()
          .addLinks(Span.Link.newBuilder().setTraceState(p)).build()));
      requests.put("a heartbeat's status message", AGENT.request(heartbeat(run).toBuilder()
          .setStatus(Status.newBuilder().setMessage(p)).build()));
      requests.put("a ResourceSpans' schema_url", ExportTraceServiceRequest.newBuilder()
          .addResourceSpans(AGENT.resourceSpans(start).toBuilder().setSchemaUrl(p)).build());
      requests.put("jobpulse.job.outcome on a start span (never read there)", requestWith(Place.JOB_START,
          List.of(string(AttributeKeys.JOB_OUTCOME, p))));
      requests.put("a jobpulse.job.id that a later one replaces", requestWith(Place.JOB_START,
          List.of(string(AttributeKeys.JOB_ID, p), string(AttributeKeys.JOB_ID, "later"))));
      for (Map.Entry<String, ExportTraceServiceRequest> request : requests.entrySet()) {
        cases.add(arguments(bytes + " in " + request.getKey(), withInvalidUtf8(request.getValue(), invalid),
            request.getValue()));
      }
    }

    // Broken structure inside content that may be skipped whole.
    Span foreign = foreignSpan("GET /x");
    ExportTraceServiceRequest plain = AGENT.request(start, foreign, start);
    Wire startWire = Wire.of(start);
    Wire deepGroups = new Wire();
    for (int i = 0; i < 120; i++) {
      deepGroups.tag(100, WireFormat.WIRETYPE_START_GROUP);
    }
    for (int i = 0; i < 120; i++) {
      deepGroups.tag(100, WireFormat.WIRETYPE_END_GROUP);
    }
    cases.add(arguments("an end-group tag in a foreign span",
        requestOf(startWire, Wire.of(foreign).tag(99, WireFormat.WIRETYPE_END_GROUP), startWire).toByteArray(), plain));
    cases.add(arguments("wire type 7 in a foreign span",
        requestOf(startWire, Wire.of(foreign).tag(30, 7), startWire).toByteArray(), plain));
    cases.add(arguments("an attribute running past the end of a foreign span", requestOf(startWire, Wire.of(foreign)
        .tag(Span.ATTRIBUTES_FIELD_NUMBER, WireFormat.WIRETYPE_LENGTH_DELIMITED).rawVarint(5).raw(0x0A), startWire)
        .toByteArray(), plain));
    cases.add(arguments("a group left open in a start span's unknown field", requestOf(startWire,
        Wire.of(foreign), Wire.of(start).tag(100, WireFormat.WIRETYPE_START_GROUP).varint(1, 1)).toByteArray(), plain));
    cases.add(arguments("a group closed by another field's end tag in a start span", requestOf(startWire,
        Wire.of(foreign), Wire.of(start).tag(100, WireFormat.WIRETYPE_START_GROUP).tag(101, WireFormat.WIRETYPE_END_GROUP))
        .toByteArray(), plain));
    cases.add(arguments("unknown groups nested 120 deep in a start span", requestOf(startWire, Wire.of(foreign),
        Wire.of(start).raw(deepGroups)).toByteArray(), plain));
    cases.add(arguments("unknown groups nested 120 deep in a foreign span", requestOf(startWire,
        Wire.of(foreign).raw(deepGroups), startWire).toByteArray(), plain));
    AnyValue deep = stringValue("bottom");
    for (int i = 0; i < 60; i++) {
      deep = array(deep);
    }
    AnyValue shallow = array(array(stringValue("bottom")));
    ExportTraceServiceRequest startWithMarker = requestWith(Place.JOB_START, List.of(MARKER));
    cases.add(arguments("arrays nested 60 deep in an unused attribute",
        replacingMarker(startWithMarker, Wire.of(keyValue("deep", deep))),
        parsed(replacingMarker(startWithMarker, Wire.of(keyValue("deep", shallow))))));
    ExportTraceServiceRequest heartbeatWithMarker = requestWith(Place.HEARTBEAT, List.of(MARKER));
    cases.add(arguments("arrays nested 60 deep in jobpulse.heartbeat.active_jobs",
        replacingMarker(heartbeatWithMarker, Wire.of(keyValue(AttributeKeys.HEARTBEAT_ACTIVE_JOBS,
            array(stringValue("x"), deep)))),
        parsed(replacingMarker(heartbeatWithMarker, Wire.of(keyValue(AttributeKeys.HEARTBEAT_ACTIVE_JOBS,
            array(stringValue("x"), shallow)))))));
    return cases.stream();
  }

  private static ExportTraceServiceRequest parsed(byte[] body) {
    try {
      return ExportTraceServiceRequest.parseFrom(body);
    } catch (InvalidProtocolBufferException e) {
      throw new AssertionError("a valid request", e);
    }
  }

  /** A string of {@code n} tildes between markers, for {@link #withInvalidUtf8} to find. */
  private static String placeholder(int n) {
    return "bad<" + "~".repeat(n) + ">bad";
  }

  /** {@code request}'s bytes, with the one {@link #placeholder}'s tildes replaced by {@code invalid}. */
  private static byte[] withInvalidUtf8(ExportTraceServiceRequest request, byte[] invalid) {
    byte[] body = request.toByteArray();
    byte[] marker = placeholder(invalid.length).getBytes(UTF_8);
    int found = -1;
    for (int i = 0; i + marker.length <= body.length; i++) {
      if (Arrays.equals(body, i, i + marker.length, marker, 0, marker.length)) {
        assertEquals(-1, found, "one placeholder only");
        found = i;
      }
    }
    assertTrue(found >= 0, "the placeholder is in the request");
    System.arraycopy(invalid, 0, body, found + 4, invalid.length);
    return body;
  }

  // =============================================================================================
  // Writing requests otherwise: the same meaning in other bytes

  /** Ways {@link #encode} may write a message other than the canonical way; none changes its meaning. */
  enum Encoding {
    /** Fields in decreasing number order (a repeated field's elements keep their order). */
    REVERSED_FIELDS,
    /** Each singular scalar after a decoy of the same field; each oneof member after another member. */
    DECOYS_FIRST,
    /** Each singular message field written twice, as two halves the parser merges. */
    SPLIT_MESSAGES,
    /** Every tag, length and varint one byte longer than needed. */
    PADDED_VARINTS,
    /** Unknown fields of every wire type (a group too) first, among and after the known ones. */
    UNKNOWN_FIELDS
  }

  static Stream<Set<Encoding>> encodings() {
    List<Set<Encoding>> subsets = new ArrayList<>();
    Encoding[] all = Encoding.values();
    for (int mask = 0; mask < 1 << all.length; mask++) {
      Set<Encoding> subset = EnumSet.noneOf(Encoding.class);
      for (int i = 0; i < all.length; i++) {
        if ((mask & 1 << i) != 0) {
          subset.add(all[i]);
        }
      }
      subsets.add(subset);
    }
    return subsets.stream();
  }

  private static Set<Encoding> randomEncodings(Random random) {
    Set<Encoding> how = EnumSet.noneOf(Encoding.class);
    for (Encoding encoding : Encoding.values()) {
      if (random.nextInt(3) == 0) {
        how.add(encoding);
      }
    }
    return how;
  }

  static byte[] encode(Message message, Set<Encoding> how) {
    return encode(message, how, m -> null);
  }

  /** {@code message} written {@code how}; a sub-message for which {@code replaced} has bytes is written as those. */
  private static byte[] encode(Message message, Set<Encoding> how, Function<Message, byte[]> replaced) {
    Wire out = new Wire(how.contains(Encoding.PADDED_VARINTS));
    List<FieldDescriptor> fields = new ArrayList<>(message.getAllFields().keySet());
    if (how.contains(Encoding.REVERSED_FIELDS)) {
      Collections.reverse(fields);
    }
    boolean unknown = how.contains(Encoding.UNKNOWN_FIELDS);
    int[] unusedNumbers = unusedFieldNumbers(message.getDescriptorForType());
    if (unknown) {
      unknownFields(out, unusedNumbers[0]);
    }
    for (int i = 0; i < fields.size(); i++) {
      FieldDescriptor field = fields.get(i);
      if (field.isRepeated()) {
        for (Object value : (List<?>) message.getField(field)) {
          write(out, field, value, how, replaced);
        }
      } else {
        if (how.contains(Encoding.DECOYS_FIRST)) {
          decoy(out, field);
        }
        write(out, field, message.getField(field), how, replaced);
      }
      if (unknown && i == fields.size() / 2) {
        unknownFields(out, unusedNumbers[1]);
      }
    }
    out.raw(message.getUnknownFields().toByteArray());
    if (unknown) {
      unknownFields(out, unusedNumbers[2]);
    }
    return out.toByteArray();
  }

  private static void write(Wire out, FieldDescriptor field, Object value, Set<Encoding> how,
      Function<Message, byte[]> replaced) {
    int number = field.getNumber();
    switch (field.getType()) {
      case MESSAGE -> {
        Message message = (Message) value;
        byte[] replacement = replaced.apply(message);
        if (replacement != null) {
          out.bytes(number, replacement);
        } else if (how.contains(Encoding.SPLIT_MESSAGES) && !field.isRepeated()) {
          for (Message half : halves(message)) {
            out.bytes(number, encode(half, how, replaced));
          }
        } else {
          out.bytes(number, encode(message, how, replaced));
        }
      }
      case STRING -> out.string(number, (String) value);
      case BYTES -> out.bytes(number, ((ByteString) value).toByteArray());
      case BOOL -> out.varint(number, (Boolean) value ? 1 : 0);
      case ENUM -> out.varint(number, ((EnumValueDescriptor) value).getNumber());
      case INT32 -> out.varint(number, (Integer) value);
      case UINT32 -> out.varint(number, Integer.toUnsignedLong((Integer) value));
      case INT64, UINT64 -> out.varint(number, (Long) value);
      case SINT32 -> out.varint(number, Integer.toUnsignedLong(CodedOutputStream.encodeZigZag32((Integer) value)));
      case SINT64 -> out.varint(number, CodedOutputStream.encodeZigZag64((Long) value));
      case FIXED64, SFIXED64 -> out.fixed64(number, (Long) value);
      case FIXED32, SFIXED32 -> out.fixed32(number, (Integer) value);
      case DOUBLE -> out.fixed64(number, Double.doubleToRawLongBits((Double) value));
      case FLOAT -> out.fixed32(number, Float.floatToRawIntBits((Float) value));
      default -> throw new IllegalArgumentException("no way to write " + field);
    }
  }

  /** {@code message} as two messages that merge into it: its fields and elements, split in the middle. */
  private static List<Message> halves(Message message) {
    List<Map.Entry<FieldDescriptor, Object>> items = new ArrayList<>();
    message.getAllFields().forEach((field, value) -> {
      if (field.isRepeated()) {
        ((List<?>) value).forEach(element -> items.add(Map.entry(field, element)));
      } else {
        items.add(Map.entry(field, value));
      }
    });
    Message.Builder first = message.newBuilderForType();
    Message.Builder second = message.newBuilderForType();
    for (int i = 0; i < items.size(); i++) {
      Message.Builder half = i < items.size() / 2 ? first : second; // one item: an empty first half
      FieldDescriptor field = items.get(i).getKey();
      if (field.isRepeated()) {
        half.addRepeatedField(field, items.get(i).getValue());
      } else {
        half.setField(field, items.get(i).getValue());
      }
    }
    second.setUnknownFields(message.getUnknownFields());
    return List.of(first.build(), second.build());
  }

  /** A value for {@code field} that the real one, written after it, replaces. */
  private static void decoy(Wire out, FieldDescriptor field) {
    FieldDescriptor target = field;
    OneofDescriptor oneof = field.getRealContainingOneof();
    if (oneof != null) {
      target = oneof.getFields().stream()
          .filter(f -> f != field && f.getJavaType() != FieldDescriptor.JavaType.MESSAGE).findFirst().orElse(null);
    } else if (field.getJavaType() == FieldDescriptor.JavaType.MESSAGE) {
      target = null; // messages merge instead: SPLIT_MESSAGES writes them twice
    }
    if (target != null) {
      write(out, target, decoyValue(target), EnumSet.noneOf(Encoding.class), m -> null);
    }
  }

  private static Object decoyValue(FieldDescriptor field) {
    return switch (field.getJavaType()) {
      case STRING -> field.getContainingType() == Span.getDescriptor() ? SpanNames.JOB
          : field.getContainingType() == Span.Event.getDescriptor() ? SpanNames.EVENT_EXCEPTION
          : field.getContainingType() == KeyValue.getDescriptor() ? AttributeKeys.JOB_ID
          : "decoy";
      case BYTE_STRING -> ByteString.copyFrom(bytes(7, 7, 7));
      case BOOLEAN -> false;
      case INT -> 7;
      case LONG -> 7L;
      case DOUBLE -> 0.5;
      case FLOAT -> 0.5f;
      case ENUM -> field.getEnumType().getValues().get(field.getEnumType().getValues().size() - 1);
      case MESSAGE -> throw new IllegalArgumentException("no decoy for " + field);
    };
  }

  /** Three field numbers {@code type} does not define: the first free, one above them all, the largest. */
  private static int[] unusedFieldNumbers(Descriptor type) {
    int free = 1;
    while (type.findFieldByNumber(free) != null) {
      free++;
    }
    int max = type.getFields().stream().mapToInt(FieldDescriptor::getNumber).max().orElse(0);
    return new int[] {free, max + 1000, 536_870_911};
  }

  /** Unknown fields of every wire type under {@code number}, a nested group too. */
  private static void unknownFields(Wire out, int number) {
    out.varint(number, 150).fixed32(number, 7).fixed64(number, -1L)
        .bytes(number, bytes(0xFF, 0x0C, 0x00, 0x80, 0x0A))
        .group(number, new Wire().varint(1, 1).string(2, "x").group(3, new Wire().fixed32(4, 4)));
  }

  /** {@code message} with unknown fields set (through {@link UnknownFieldSet}) on it and every message in it. */
  private static Message withUnknownFields(Message message) {
    Message.Builder builder = message.toBuilder();
    for (Map.Entry<FieldDescriptor, Object> entry : message.getAllFields().entrySet()) {
      FieldDescriptor field = entry.getKey();
      if (field.getJavaType() != FieldDescriptor.JavaType.MESSAGE) {
        continue;
      }
      if (field.isRepeated()) {
        for (int i = 0; i < message.getRepeatedFieldCount(field); i++) {
          builder.setRepeatedField(field, i, withUnknownFields((Message) message.getRepeatedField(field, i)));
        }
      } else {
        builder.setField(field, withUnknownFields((Message) entry.getValue()));
      }
    }
    int[] numbers = unusedFieldNumbers(message.getDescriptorForType());
    UnknownFieldSet nested = UnknownFieldSet.newBuilder()
        .addField(1, UnknownFieldSet.Field.newBuilder().addVarint(1).build())
        .addField(2, UnknownFieldSet.Field.newBuilder().addLengthDelimited(ByteString.copyFromUtf8("x")).build())
        .build();
    return builder.setUnknownFields(UnknownFieldSet.newBuilder(message.getUnknownFields())
        .addField(numbers[0], UnknownFieldSet.Field.newBuilder().addVarint(150).addFixed32(7).build())
        .addField(numbers[1], UnknownFieldSet.Field.newBuilder()
            .addLengthDelimited(ByteString.copyFrom(bytes(0xFF, 0x0C))).addFixed64(-1L).build())
        .addField(numbers[2], UnknownFieldSet.Field.newBuilder().addGroup(nested).build())
        .build()).build();
  }

  // =============================================================================================
  // Random requests

  private static ExportTraceServiceRequest randomRequest(Random random) {
    ExportTraceServiceRequest.Builder request = ExportTraceServiceRequest.newBuilder();
    for (int r = random.nextInt(4); r > 0; r--) {
      ResourceSpans.Builder resourceSpans = ResourceSpans.newBuilder();
      if (random.nextInt(8) > 0) {
        Resource.Builder resource = Resource.newBuilder();
        if (random.nextInt(6) > 0) {
          resource.addAttributes(string(AttributeKeys.SERVICE_INSTANCE_ID, "worker-" + random.nextInt(3)));
        }
        if (random.nextBoolean()) {
          resource.addAttributes(string(AttributeKeys.SERVICE_NAME, pick(random, List.of("billing", "reports"))));
        }
        resource.addAllAttributes(randomAttributes(random, 3));
        resourceSpans.setResource(resource);
      }
      for (int s = random.nextInt(3); s > 0; s--) {
        ScopeSpans.Builder scope = ScopeSpans.newBuilder();
        if (random.nextBoolean()) {
          scope.setScope(InstrumentationScope.newBuilder().setName(SpanNames.INSTRUMENTATION_SCOPE).setVersion("0.1"));
        }
        for (int n = random.nextInt(6); n > 0; n--) {
          scope.addSpans(randomSpan(random));
        }
        resourceSpans.addScopeSpans(scope);
      }
      if (random.nextInt(5) == 0) {
        resourceSpans.setSchemaUrl("https://opentelemetry.io/schemas/1.24.0");
      }
      request.addResourceSpans(resourceSpans);
    }
    return request.build();
  }

  private static Span randomSpan(Random random) {
    Span.Builder span = Span.newBuilder()
        .setName(random.nextInt(4) > 0 ? pick(random, JOBPULSE_SPAN_NAMES) : pick(random, OTHER_SPAN_NAMES))
        .setTraceId(randomId(random))
        .setSpanId(randomId(random))
        .setStartTimeUnixNano(randomNanos(random))
        .setEndTimeUnixNano(randomNanos(random));
    if (random.nextBoolean()) {
      span.setParentSpanId(randomId(random));
    }
    if (random.nextInt(5) > 0) {
      span.addAttributes(string(AttributeKeys.JOB_ID, "run-" + random.nextInt(100)));
    }
    if (random.nextInt(3) == 0) {
      span.addAttributes(string(AttributeKeys.JOB_OUTCOME, pick(random, List.of("completed", "failed", "abandoned", "lost"))));
    }
    span.addAllAttributes(randomAttributes(random, 6));
    for (int e = random.nextInt(4); e > 0; e--) {
      span.addEvents(randomEvent(random));
    }
    if (random.nextBoolean()) {
      span.setStatus(Status.newBuilder().setCodeValue(pick(random, List.of(0, 1, 2, 2, 9, -1)))
          .setMessage(randomString(random)));
    }
    if (random.nextInt(6) == 0) {
      span.addLinks(Span.Link.newBuilder().setTraceId(randomId(random)).setSpanId(randomId(random))
          .setTraceState("k=v").addAllAttributes(randomAttributes(random, 2)));
    }
    if (random.nextInt(6) == 0) {
      span.setTraceState("rojo=00f067aa0ba902b7").setKindValue(random.nextInt(7)).setFlags(random.nextInt())
          .setDroppedAttributesCount(random.nextInt(5));
    }
    return span.build();
  }

  private static Span.Event randomEvent(Random random) {
    String name = pick(random, EVENT_NAMES);
    Span.Event.Builder event = Span.Event.newBuilder().setName(name).setTimeUnixNano(randomNanos(random));
    if (random.nextInt(4) > 0) {
      event.addAttributes(string(AttributeKeys.JOB_ID, "run-" + random.nextInt(100)));
    }
    if (random.nextInt(4) > 0) {
      event.addAttributes(string(AttributeKeys.JOB_NAME, pick(random, List.of("com.acme.A#run", "com.acme.B#run"))));
    }
    if (random.nextInt(3) > 0) {
      event.addAttributes(integer(AttributeKeys.SUMMARY_COUNT, random.nextInt(10)));
    }
    if (name.equals(SpanNames.EVENT_EXCEPTION) && random.nextBoolean()) {
      event.addAttributes(string(AttributeKeys.EXCEPTION_TYPE, "java.net.SocketTimeoutException"))
          .addAttributes(string(AttributeKeys.EXCEPTION_MESSAGE, randomString(random)));
    }
    return event.addAllAttributes(randomAttributes(random, 3)).build();
  }

  private static List<KeyValue> randomAttributes(Random random, int max) {
    List<KeyValue> attributes = new ArrayList<>();
    for (int n = random.nextInt(max + 1); n > 0; n--) {
      String key = random.nextInt(3) > 0 ? pick(random, USED_KEYS) : pick(random, OTHER_KEYS);
      attributes.add(keyValue(key, random.nextInt(12) == 0 ? null : randomValue(random, 0)));
    }
    return attributes;
  }

  private static AnyValue randomValue(Random random, int depth) {
    return switch (random.nextInt(11)) {
      case 0, 1, 2 -> stringValue(randomString(random));
      case 3, 4 -> intValue(pick(random, List.of(0L, 1L, 7L, -1L, Long.MAX_VALUE, Long.MIN_VALUE, random.nextLong(),
          (long) random.nextInt(100_000))));
      case 5 -> doubleValue(pick(random, List.of(0.0, 2.5, -3.7, 1e19, Double.NaN, random.nextDouble() * 1000)));
      case 6 -> bool(random.nextBoolean());
      case 7 -> {
        ArrayValue.Builder array = ArrayValue.newBuilder();
        for (int n = random.nextInt(4); n > 0; n--) {
          array.addValues(random.nextInt(5) > 0 ? stringValue(randomString(random))
              : depth < 2 ? randomValue(random, depth + 1) : AnyValue.getDefaultInstance());
        }
        yield AnyValue.newBuilder().setArrayValue(array).build();
      }
      case 8 -> random.nextBoolean() ? kvlist(string("k", randomString(random)))
          : AnyValue.newBuilder().setBytesValue(ByteString.copyFrom(sequence(random.nextInt(4)))).build();
      default -> AnyValue.getDefaultInstance();
    };
  }

  private static String randomString(Random random) {
    return random.nextInt(4) > 0 ? pick(random, STRINGS) : Integer.toString(random.nextInt(2000) - 1000);
  }

  private static ByteString randomId(Random random) {
    byte[] id = new byte[pick(random, List.of(0, 8, 8, 16, 16, 20))];
    random.nextBytes(id);
    return ByteString.copyFrom(id);
  }

  private static long randomNanos(Random random) {
    return random.nextInt(8) == 0 ? random.nextLong() : NOW * 1_000_000 + random.nextInt(1_000_000_000);
  }

  private static <T> T pick(Random random, List<T> choices) {
    return choices.get(random.nextInt(choices.size()));
  }

  /** {@code body} with one to three bytes changed, removed or inserted. */
  private static byte[] damage(byte[] body, Random random) {
    byte[] damaged = body.length == 0 ? new byte[] {(byte) random.nextInt()} : body.clone();
    for (int n = 1 + random.nextInt(3); n > 0; n--) {
      int at = random.nextInt(damaged.length);
      switch (random.nextInt(4)) {
        case 0 -> damaged[at] = (byte) random.nextInt();
        case 1 -> damaged[at] ^= (byte) (1 << random.nextInt(8));
        case 2 -> {
          byte[] shorter = new byte[damaged.length - 1];
          System.arraycopy(damaged, 0, shorter, 0, at);
          System.arraycopy(damaged, at + 1, shorter, at, damaged.length - at - 1);
          damaged = shorter.length == 0 ? damaged : shorter;
        }
        default -> {
          byte[] longer = new byte[damaged.length + 1];
          System.arraycopy(damaged, 0, longer, 0, at);
          longer[at] = (byte) random.nextInt();
          System.arraycopy(damaged, at, longer, at + 1, damaged.length - at);
          damaged = longer;
        }
      }
    }
    return damaged;
  }

  static Stream<Arguments> placesAndKinds() {
    return Arrays.stream(Place.values())
        .flatMap(place -> Arrays.stream(Kind.values()).map(kind -> arguments(place, kind)));
  }
}
