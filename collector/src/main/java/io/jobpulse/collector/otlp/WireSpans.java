package io.jobpulse.collector.otlp;

import com.google.protobuf.CodedInputStream;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Parser;
import com.google.protobuf.UnsafeByteOperations;
import com.google.protobuf.WireFormat;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.common.v1.ArrayValue;
import io.opentelemetry.proto.common.v1.EntityRef;
import io.opentelemetry.proto.common.v1.InstrumentationScope;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.common.v1.KeyValueList;
import io.opentelemetry.proto.resource.v1.Resource;
import io.opentelemetry.proto.trace.v1.ResourceSpans;
import io.opentelemetry.proto.trace.v1.ScopeSpans;
import io.opentelemetry.proto.trace.v1.Span;
import io.opentelemetry.proto.trace.v1.Status;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Reads an {@code ExportTraceServiceRequest}'s protobuf bytes into a {@link SpanDecoder} without
 * building the request's messages: protobuf's own reader ({@link CodedInputStream}) walks the
 * fields the wire contract uses, by the generated classes' field numbers, and skips the rest.
 *
 * <p>Why: parsing into the generated classes was ~60% of the OTLP event loops' CPU under the load
 * benchmark and ~90% of what they allocated (a builder, a message and a decoded key per attribute,
 * ~3.3 KB per span), which the young collections then paid for (BENCHMARKS.md §3). Here a span
 * costs the values it keeps: attribute keys and span names are compared as bytes, ids are copied
 * to {@link SpanFields.Id}, and only wanted strings are decoded.
 *
 * <p>What it reads means what the parsed request means ({@code WireSpansTest} compares the two on
 * every kind of value, order and defect): fields in any order, the last of repeated fields, merged
 * repeated messages. Where an attribute is not encoded the usual way (its value before its key,
 * or twice), that attribute alone is parsed with the generated class. It checks the structure of
 * everything, and refuses what the parser refuses in what it reads or skips (invalid UTF-8,
 * nesting past protobuf's limit): a string not kept is checked in place, a message not kept
 * (scope, link, value of another key) parsed on its own. Unknown fields are skipped unread, as the
 * parser keeps them unread.
 */
final class WireSpans {

  private static final int LENGTH_DELIMITED = WireFormat.WIRETYPE_LENGTH_DELIMITED;

  private static final int REQUEST_RESOURCE_SPANS =
      ExportTraceServiceRequest.RESOURCE_SPANS_FIELD_NUMBER << 3 | LENGTH_DELIMITED;
  private static final int RESOURCE_SPANS_RESOURCE = ResourceSpans.RESOURCE_FIELD_NUMBER << 3 | LENGTH_DELIMITED;
  private static final int RESOURCE_SPANS_SCOPE_SPANS = ResourceSpans.SCOPE_SPANS_FIELD_NUMBER << 3 | LENGTH_DELIMITED;
  private static final int RESOURCE_SPANS_SCHEMA_URL = ResourceSpans.SCHEMA_URL_FIELD_NUMBER << 3 | LENGTH_DELIMITED;
  private static final int RESOURCE_ATTRIBUTES = Resource.ATTRIBUTES_FIELD_NUMBER << 3 | LENGTH_DELIMITED;
  private static final int RESOURCE_ENTITY_REFS = Resource.ENTITY_REFS_FIELD_NUMBER << 3 | LENGTH_DELIMITED;
  private static final int SCOPE_SPANS_SCOPE = ScopeSpans.SCOPE_FIELD_NUMBER << 3 | LENGTH_DELIMITED;
  private static final int SCOPE_SPANS_SPANS = ScopeSpans.SPANS_FIELD_NUMBER << 3 | LENGTH_DELIMITED;
  private static final int SCOPE_SPANS_SCHEMA_URL = ScopeSpans.SCHEMA_URL_FIELD_NUMBER << 3 | LENGTH_DELIMITED;
  private static final int SPAN_TRACE_ID = Span.TRACE_ID_FIELD_NUMBER << 3 | LENGTH_DELIMITED;
  private static final int SPAN_SPAN_ID = Span.SPAN_ID_FIELD_NUMBER << 3 | LENGTH_DELIMITED;
  private static final int SPAN_TRACE_STATE = Span.TRACE_STATE_FIELD_NUMBER << 3 | LENGTH_DELIMITED;
  private static final int SPAN_PARENT_SPAN_ID = Span.PARENT_SPAN_ID_FIELD_NUMBER << 3 | LENGTH_DELIMITED;
  private static final int SPAN_NAME = Span.NAME_FIELD_NUMBER << 3 | LENGTH_DELIMITED;
  private static final int SPAN_START = Span.START_TIME_UNIX_NANO_FIELD_NUMBER << 3 | WireFormat.WIRETYPE_FIXED64;
  private static final int SPAN_END = Span.END_TIME_UNIX_NANO_FIELD_NUMBER << 3 | WireFormat.WIRETYPE_FIXED64;
  private static final int SPAN_ATTRIBUTES = Span.ATTRIBUTES_FIELD_NUMBER << 3 | LENGTH_DELIMITED;
  private static final int SPAN_EVENTS = Span.EVENTS_FIELD_NUMBER << 3 | LENGTH_DELIMITED;
  private static final int SPAN_LINKS = Span.LINKS_FIELD_NUMBER << 3 | LENGTH_DELIMITED;
  private static final int SPAN_STATUS = Span.STATUS_FIELD_NUMBER << 3 | LENGTH_DELIMITED;
  private static final int EVENT_NAME = Span.Event.NAME_FIELD_NUMBER << 3 | LENGTH_DELIMITED;
  private static final int EVENT_ATTRIBUTES = Span.Event.ATTRIBUTES_FIELD_NUMBER << 3 | LENGTH_DELIMITED;
  private static final int STATUS_MESSAGE = Status.MESSAGE_FIELD_NUMBER << 3 | LENGTH_DELIMITED;
  private static final int STATUS_CODE = Status.CODE_FIELD_NUMBER << 3 | WireFormat.WIRETYPE_VARINT;
  private static final int KEY_VALUE_KEY = KeyValue.KEY_FIELD_NUMBER << 3 | LENGTH_DELIMITED;
  private static final int KEY_VALUE_VALUE = KeyValue.VALUE_FIELD_NUMBER << 3 | LENGTH_DELIMITED;
  private static final int ANY_STRING = AnyValue.STRING_VALUE_FIELD_NUMBER << 3 | LENGTH_DELIMITED;
  private static final int ANY_BOOL = AnyValue.BOOL_VALUE_FIELD_NUMBER << 3 | WireFormat.WIRETYPE_VARINT;
  private static final int ANY_INT = AnyValue.INT_VALUE_FIELD_NUMBER << 3 | WireFormat.WIRETYPE_VARINT;
  private static final int ANY_DOUBLE = AnyValue.DOUBLE_VALUE_FIELD_NUMBER << 3 | WireFormat.WIRETYPE_FIXED64;
  private static final int ANY_ARRAY = AnyValue.ARRAY_VALUE_FIELD_NUMBER << 3 | LENGTH_DELIMITED;
  private static final int ANY_KVLIST = AnyValue.KVLIST_VALUE_FIELD_NUMBER << 3 | LENGTH_DELIMITED;
  private static final int ANY_BYTES = AnyValue.BYTES_VALUE_FIELD_NUMBER << 3 | LENGTH_DELIMITED;
  private static final int ARRAY_VALUES = ArrayValue.VALUES_FIELD_NUMBER << 3 | LENGTH_DELIMITED;

  /** What an {@code AnyValue} read last held; the oneof's cases, as far as reads tell them apart. */
  private static final int NOT_SET = 0;
  private static final int SCALAR = 1;
  private static final int ARRAY = 2;
  private static final int OTHER = 3;

  private final byte[] body;
  private final SpanDecoder decoder;
  /** Where the stream being read starts in {@link #body}: its positions are relative to it. */
  private int base;
  /** Where the current resource's scope spans lie (start, length pairs): read after its resource. */
  private int[] scopeSpans = new int[8];

  private WireSpans(byte[] body, SpanDecoder decoder) {
    this.body = body;
    this.decoder = decoder;
  }

  /** Reads the request in {@code body[offset, offset + length)} into {@code decoder}. */
  static void read(byte[] body, int offset, int length, SpanDecoder decoder) throws OtlpException {
    try {
      new WireSpans(body, decoder).request(offset, length);
    } catch (IOException e) { // InvalidProtocolBufferException: nothing else is read
      throw new OtlpException(HttpResponseStatus.BAD_REQUEST,
          "malformed protobuf ExportTraceServiceRequest: " + e.getMessage());
    }
  }

  private void request(int offset, int length) throws IOException {
    base = offset;
    CodedInputStream in = CodedInputStream.newInstance(body, offset, length);
    for (int tag; (tag = in.readTag()) != 0; ) {
      if (tag == REQUEST_RESOURCE_SPANS) {
        int limit = in.pushLimit(in.readRawVarint32());
        resourceSpans(in);
        in.popLimit(limit);
      } else if (!in.skipField(tag)) {
        break;
      }
    }
    in.checkLastTagWas(0);
  }

  /**
   * A resource's spans are read once its attributes are known, which the encoding may put after
   * them: the scope spans' places are noted on the way and read after the resource's end.
   */
  private void resourceSpans(CodedInputStream in) throws IOException {
    decoder.resource().clear();
    int scopes = 0;
    for (int tag; (tag = in.readTag()) != 0; ) {
      if (tag == RESOURCE_SPANS_RESOURCE) {
        int limit = in.pushLimit(in.readRawVarint32());
        resource(in);
        in.popLimit(limit);
      } else if (tag == RESOURCE_SPANS_SCOPE_SPANS) {
        int length = in.readRawVarint32();
        if (scopes + 2 > scopeSpans.length) {
          scopeSpans = Arrays.copyOf(scopeSpans, 2 * scopeSpans.length);
        }
        scopeSpans[scopes++] = position(in);
        scopeSpans[scopes++] = length;
        in.skipRawBytes(length);
      } else if (tag == RESOURCE_SPANS_SCHEMA_URL) {
        checkString(in);
      } else if (!in.skipField(tag)) {
        break;
      }
    }
    in.checkLastTagWas(0);
    decoder.resourceRead();
    int outer = base;
    for (int i = 0; i < scopes; i += 2) {
      base = scopeSpans[i];
      scopeSpans(CodedInputStream.newInstance(body, base, scopeSpans[i + 1]));
    }
    base = outer;
  }

  /** A repeated resource field is merged into one: its attributes add to those read before. */
  private void resource(CodedInputStream in) throws IOException {
    for (int tag; (tag = in.readTag()) != 0; ) {
      if (tag == RESOURCE_ATTRIBUTES) {
        keyValue(in, decoder.resource());
      } else if (tag == RESOURCE_ENTITY_REFS) {
        check(in, EntityRef.parser());
      } else if (!in.skipField(tag)) {
        break;
      }
    }
    in.checkLastTagWas(0);
  }

  private void scopeSpans(CodedInputStream in) throws IOException {
    for (int tag; (tag = in.readTag()) != 0; ) {
      if (tag == SCOPE_SPANS_SPANS) {
        int limit = in.pushLimit(in.readRawVarint32());
        SpanFields span = decoder.span();
        span.clear();
        span(in, span);
        in.popLimit(limit);
        decoder.spanRead();
      } else if (tag == SCOPE_SPANS_SCOPE) {
        check(in, InstrumentationScope.parser());
      } else if (tag == SCOPE_SPANS_SCHEMA_URL) {
        checkString(in);
      } else if (!in.skipField(tag)) {
        break;
      }
    }
    in.checkLastTagWas(0);
  }

  private void span(CodedInputStream in, SpanFields span) throws IOException {
    for (int tag; (tag = in.readTag()) != 0; ) {
      switch (tag) {
        case SPAN_TRACE_ID -> id(in, span.traceId);
        case SPAN_SPAN_ID -> id(in, span.spanId);
        case SPAN_PARENT_SPAN_ID -> id(in, span.parentSpanId);
        case SPAN_NAME -> {
          int length = bytesAhead(in);
          span.name = SpanFields.nameIndex(body, position(in), length);
          if (span.name < 0) {
            requireUtf8(position(in), length);
          }
          in.skipRawBytes(length);
        }
        case SPAN_TRACE_STATE -> checkString(in);
        case SPAN_LINKS -> check(in, Span.Link.parser());
        case SPAN_START -> span.startNanos = in.readFixed64();
        case SPAN_END -> span.endNanos = in.readFixed64();
        case SPAN_ATTRIBUTES -> keyValue(in, span.attributes);
        case SPAN_EVENTS -> {
          int limit = in.pushLimit(in.readRawVarint32());
          event(in, span.addEvent());
          in.popLimit(limit);
        }
        case SPAN_STATUS -> {
          int limit = in.pushLimit(in.readRawVarint32());
          status(in, span);
          in.popLimit(limit);
        }
        default -> {
          if (!in.skipField(tag)) {
            in.checkLastTagWas(0);
          }
        }
      }
    }
  }

  private void event(CodedInputStream in, SpanFields.Event event) throws IOException {
    for (int tag; (tag = in.readTag()) != 0; ) {
      if (tag == EVENT_NAME) {
        int length = bytesAhead(in);
        event.name = SpanFields.eventNameIndex(body, position(in), length);
        if (event.name < 0) {
          requireUtf8(position(in), length);
        }
        in.skipRawBytes(length);
      } else if (tag == EVENT_ATTRIBUTES) {
        keyValue(in, event.attributes);
      } else if (!in.skipField(tag)) {
        break;
      }
    }
    in.checkLastTagWas(0);
  }

  /** A repeated status is merged into one, as protobuf merges messages: the fields read last count. */
  private static void status(CodedInputStream in, SpanFields span) throws IOException {
    for (int tag; (tag = in.readTag()) != 0; ) {
      if (tag == STATUS_MESSAGE) {
        span.statusMessage = in.readStringRequireUtf8();
      } else if (tag == STATUS_CODE) {
        span.statusCode = in.readEnum();
      } else if (!in.skipField(tag)) {
        break;
      }
    }
    in.checkLastTagWas(0);
  }

  private void id(CodedInputStream in, SpanFields.Id id) throws IOException {
    int length = bytesAhead(in);
    id.set(body, position(in), length);
    in.skipRawBytes(length);
  }

  /**
   * One attribute (a length-delimited {@code KeyValue}, its length not yet read): its value is
   * kept when its key is wanted. Read in one pass when its key comes first and its value last and
   * once, as every encoder writes them; otherwise parsed on its own.
   */
  private void keyValue(CodedInputStream in, AttributeValues values) throws IOException {
    int length = in.readRawVarint32();
    int start = position(in);
    int limit = in.pushLimit(length);
    int key = -1;
    boolean keyRead = false;
    boolean valueRead = false;
    boolean usual = true;
    for (int tag; (tag = in.readTag()) != 0; ) {
      if (tag == KEY_VALUE_KEY) {
        int keyLength = bytesAhead(in);
        key = values.indexOf(body, position(in), keyLength);
        if (key < 0) {
          requireUtf8(position(in), keyLength);
        }
        in.skipRawBytes(keyLength);
        usual &= !keyRead && !valueRead;
        keyRead = true;
      } else if (tag == KEY_VALUE_VALUE) {
        int valueLength = in.readRawVarint32();
        boolean last = valueLength == in.getBytesUntilLimit();
        if (keyRead && !valueRead && last && key >= 0) {
          int valueLimit = in.pushLimit(valueLength);
          anyValue(in, values, key);
          in.popLimit(valueLimit);
        } else {
          if (keyRead && key < 0) {
            parse(AnyValue.parser(), position(in), valueLength); // a value not kept is still checked
          }
          in.skipRawBytes(valueLength);
          usual &= keyRead && !valueRead && last;
        }
        valueRead = true;
      } else if (!in.skipField(tag)) {
        break;
      }
    }
    in.checkLastTagWas(0);
    in.popLimit(limit);
    if (!usual) {
      values.put(KeyValue.parser().parseFrom(body, start, length));
    } else if (key >= 0 && !valueRead) {
      values.setAbsent(key);
    }
  }

  /**
   * An {@code AnyValue} into the {@code key}-th value. Its oneof's last field counts; an array is
   * merged into any array read before it in the same value, as protobuf-java's parser merges them,
   * even across another kind of value in between.
   */
  private void anyValue(CodedInputStream in, AttributeValues values, int key) throws IOException {
    int set = NOT_SET;
    List<String> strings = null;
    boolean allStrings = true;
    for (int tag; (tag = in.readTag()) != 0; ) {
      switch (tag) {
        case ANY_STRING -> {
          values.setString(key, in.readStringRequireUtf8());
          set = SCALAR;
        }
        case ANY_BOOL -> {
          values.setBool(key, in.readBool());
          set = SCALAR;
        }
        case ANY_INT -> {
          values.setInt(key, in.readInt64());
          set = SCALAR;
        }
        case ANY_DOUBLE -> {
          values.setDouble(key, in.readDouble());
          set = SCALAR;
        }
        case ANY_ARRAY -> {
          if (strings == null) {
            strings = new ArrayList<>();
          }
          int limit = in.pushLimit(in.readRawVarint32());
          allStrings &= arrayValue(in, strings);
          in.popLimit(limit);
          set = ARRAY;
        }
        case ANY_KVLIST -> {
          check(in, KeyValueList.parser());
          set = OTHER;
        }
        case ANY_BYTES -> {
          in.skipRawBytes(in.readRawVarint32());
          set = OTHER;
        }
        default -> {
          if (!in.skipField(tag)) {
            in.checkLastTagWas(0);
          }
        }
      }
    }
    switch (set) {
      case NOT_SET -> values.setAbsent(key);
      case ARRAY -> {
        if (allStrings) {
          values.setStrings(key, strings);
        } else {
          values.setOtherArray(key);
        }
      }
      case OTHER -> values.setOther(key);
      default -> { } // set as read
    }
  }

  /**
   * An {@code ArrayValue}'s elements added to {@code strings}; whether all of them were strings.
   * An element's last field counts, as in {@link #anyValue}.
   */
  private boolean arrayValue(CodedInputStream in, List<String> strings) throws IOException {
    boolean allStrings = true;
    for (int tag; (tag = in.readTag()) != 0; ) {
      if (tag == ARRAY_VALUES) {
        int limit = in.pushLimit(in.readRawVarint32());
        String string = null;
        boolean isString = false;
        for (int elementTag; (elementTag = in.readTag()) != 0; ) {
          if (elementTag == ANY_STRING) {
            string = in.readStringRequireUtf8();
            isString = true;
          } else if (elementTag == ANY_ARRAY || elementTag == ANY_KVLIST) {
            check(in, elementTag == ANY_ARRAY ? ArrayValue.parser() : KeyValueList.parser());
            isString = false;
          } else if (elementTag == ANY_BOOL || elementTag == ANY_INT || elementTag == ANY_DOUBLE
              || elementTag == ANY_BYTES) {
            in.skipField(elementTag);
            isString = false;
          } else if (!in.skipField(elementTag)) {
            in.checkLastTagWas(0);
          }
        }
        in.popLimit(limit);
        if (isString) {
          strings.add(string);
        } else {
          allStrings = false;
        }
      } else if (!in.skipField(tag)) {
        in.checkLastTagWas(0);
      }
    }
    return allStrings;
  }

  /**
   * Reads a length-delimited field's length: that many bytes lie ahead, within the message, to be
   * looked at in {@link #body} before they are skipped.
   */
  private static int bytesAhead(CodedInputStream in) throws IOException {
    int length = in.readRawVarint32();
    if (length < 0 || length > in.getBytesUntilLimit()) {
      in.skipRawBytes(length); // throws the parser's own error
    }
    return length;
  }

  /**
   * Skips a length-delimited message the contract does not use, once {@code parser} has checked
   * it: what is skipped is refused as the parsed reading would refuse it (invalid UTF-8, nesting
   * past protobuf's limit). Such messages (scopes, links, values not kept) are few in a request.
   */
  private void check(CodedInputStream in, Parser<?> parser) throws IOException {
    int length = bytesAhead(in);
    parse(parser, position(in), length);
    in.skipRawBytes(length);
  }

  private void parse(Parser<?> parser, int start, int length) throws InvalidProtocolBufferException {
    parser.parseFrom(body, start, length);
  }

  /** Skips a string the contract does not use, once its UTF-8 is checked. */
  private void checkString(CodedInputStream in) throws IOException {
    int length = bytesAhead(in);
    requireUtf8(position(in), length);
    in.skipRawBytes(length);
  }

  /** Refuses {@code body[start, start + length)} unless it is UTF-8, as protobuf's strings must be. */
  private void requireUtf8(int start, int length) throws InvalidProtocolBufferException {
    for (int i = start, end = start + length; i < end; i++) {
      if (body[i] < 0) { // not ASCII: protobuf's own check
        if (!UnsafeByteOperations.unsafeWrap(body, start, length).isValidUtf8()) {
          throw new InvalidProtocolBufferException("Protocol message had invalid UTF-8.");
        }
        return;
      }
    }
  }

  /** Where {@code in} is, as an index into {@link #body}. */
  private int position(CodedInputStream in) {
    return base + in.getTotalBytesRead();
  }
}
