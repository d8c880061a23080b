package io.jobpulse.collector.otlp;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.util.JsonFormat;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import java.io.IOException;
import java.util.Base64;
import java.util.HexFormat;

/**
 * OTLP/JSON. It is protobuf's JSON mapping with one exception: trace and span ids are hex strings,
 * not base64 ({@code bytes} fields everywhere else). The ids are rewritten to base64 in the JSON
 * tree, then protobuf's {@link JsonFormat} parses it, ignoring unknown fields as the OTLP
 * specification requires.
 */
final class OtlpJson {

  private static final ObjectMapper MAPPER = new ObjectMapper();
  private static final JsonFormat.Parser PARSER = JsonFormat.parser().ignoringUnknownFields();
  private static final JsonFormat.Printer PRINTER = JsonFormat.printer().omittingInsignificantWhitespace();
  private static final HexFormat HEX = HexFormat.of();

  static ExportTraceServiceRequest parse(byte[] json, int offset, int length) throws OtlpException {
    JsonNode root;
    try {
      root = MAPPER.readTree(json, offset, length);
    } catch (JsonProcessingException e) {
      throw new OtlpException(HttpResponseStatus.BAD_REQUEST, "malformed JSON: " + e.getOriginalMessage());
    } catch (IOException e) {
      throw new OtlpException(HttpResponseStatus.BAD_REQUEST, "unreadable JSON: " + e.getMessage());
    }
    if (root == null || !root.isObject()) {
      throw new OtlpException(HttpResponseStatus.BAD_REQUEST, "the body is not a JSON object (ExportTraceServiceRequest)");
    }
    for (JsonNode resourceSpans : root.path("resourceSpans")) {
      for (JsonNode scopeSpans : resourceSpans.path("scopeSpans")) {
        for (JsonNode span : scopeSpans.path("spans")) {
          hexToBase64(span, "traceId", 16);
          hexToBase64(span, "spanId", 8);
          hexToBase64(span, "parentSpanId", 8);
          for (JsonNode link : span.path("links")) {
            hexToBase64(link, "traceId", 16);
            hexToBase64(link, "spanId", 8);
          }
        }
      }
    }
    ExportTraceServiceRequest.Builder request = ExportTraceServiceRequest.newBuilder();
    try {
      PARSER.merge(MAPPER.writeValueAsString(root), request);
    } catch (InvalidProtocolBufferException | JsonProcessingException e) {
      throw new OtlpException(HttpResponseStatus.BAD_REQUEST, "invalid OTLP/JSON: " + e.getMessage());
    }
    return request.build();
  }

  static String print(com.google.protobuf.MessageOrBuilder message) {
    try {
      return PRINTER.print(message);
    } catch (InvalidProtocolBufferException e) {
      throw new IllegalStateException("cannot print " + message.getClass().getSimpleName(), e);
    }
  }

  private static void hexToBase64(JsonNode node, String field, int bytes) throws OtlpException {
    JsonNode value = node.get(field);
    if (value == null || value.isNull() || (value.isTextual() && value.asText().isEmpty())) {
      return;
    }
    String hex = value.asText();
    if (!value.isTextual() || hex.length() != bytes * 2) {
      throw badId(field, hex, bytes);
    }
    try {
      ((ObjectNode) node).put(field, Base64.getEncoder().encodeToString(HEX.parseHex(hex)));
    } catch (IllegalArgumentException e) {
      throw badId(field, hex, bytes);
    }
  }

  private static OtlpException badId(String field, String value, int bytes) {
    return new OtlpException(HttpResponseStatus.BAD_REQUEST,
        "invalid " + field + " '" + value + "': OTLP/JSON expects " + bytes * 2 + " hex digits");
  }

  private OtlpJson() {}
}
