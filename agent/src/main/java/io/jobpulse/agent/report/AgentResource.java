package io.jobpulse.agent.report;

import io.jobpulse.contract.AttributeKeys;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.common.AttributesBuilder;
import io.opentelemetry.sdk.resources.Resource;
import java.io.UnsupportedEncodingException;
import java.net.InetAddress;
import java.net.URLDecoder;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Properties;

/**
 * The resource of every span of this JVM (otel-config/README.md): the standard OpenTelemetry
 * settings for the service name and extra attributes, plus the worker's identity.
 */
final class AgentResource {

  static final String SERVICE_NAME_PROPERTY = "otel.service.name";
  static final String SERVICE_NAME_ENV = "OTEL_SERVICE_NAME";
  static final String ATTRIBUTES_PROPERTY = "otel.resource.attributes";
  static final String ATTRIBUTES_ENV = "OTEL_RESOURCE_ATTRIBUTES";

  static Resource create(String instanceId, String agentVersion, Properties systemProperties, Map<String, String> environment) {
    AttributesBuilder attributes = Attributes.builder();
    Map<String, String> extra = parseAttributes(first(systemProperties.getProperty(ATTRIBUTES_PROPERTY), environment.get(ATTRIBUTES_ENV)));
    extra.forEach(attributes::put);
    String serviceName = first(systemProperties.getProperty(SERVICE_NAME_PROPERTY), environment.get(SERVICE_NAME_ENV));
    if (serviceName == null) {
      serviceName = extra.get(AttributeKeys.SERVICE_NAME);
    }
    if (serviceName == null) {
      serviceName = defaultServiceName(systemProperties.getProperty("sun.java.command"));
    }
    attributes.put(AttributeKey.stringKey(AttributeKeys.SERVICE_NAME), serviceName)
        .put(AttributeKey.stringKey(AttributeKeys.SERVICE_INSTANCE_ID), instanceId)
        .put(AttributeKey.longKey(AttributeKeys.PROCESS_PID), ProcessHandle.current().pid())
        .put(AttributeKey.stringKey(AttributeKeys.HOST_NAME), hostName(environment))
        .put(AttributeKey.stringKey(AttributeKeys.AGENT_VERSION), agentVersion);
    return Resource.getDefault().merge(Resource.create(attributes.build()));
  }

  /** {@code key=value,key=value}, values percent-encoded (W3C baggage style, as the SDK reads it). */
  static Map<String, String> parseAttributes(String text) {
    Map<String, String> attributes = new LinkedHashMap<>();
    if (text == null) {
      return attributes;
    }
    for (String pair : text.split(",")) {
      int eq = pair.indexOf('=');
      if (eq > 0) {
        attributes.put(pair.substring(0, eq).trim(), decode(pair.substring(eq + 1).trim()));
      }
    }
    return attributes;
  }

  /** The main class's simple name, or the jar's name without {@code .jar}. */
  static String defaultServiceName(String javaCommand) {
    if (javaCommand == null || javaCommand.trim().isEmpty()) {
      return "unknown_service:java";
    }
    String main = javaCommand.trim().split("\\s+")[0];
    if (main.endsWith(".jar")) {
      String file = main.substring(Math.max(main.lastIndexOf('/'), main.lastIndexOf('\\')) + 1);
      return file.substring(0, file.length() - ".jar".length());
    }
    return main.substring(main.lastIndexOf('.') + 1);
  }

  private static String hostName(Map<String, String> environment) {
    try {
      return InetAddress.getLocalHost().getHostName();
    } catch (Exception e) {
      String name = first(environment.get("HOSTNAME"), environment.get("COMPUTERNAME"));
      return name == null ? "unknown" : name;
    }
  }

  private static String decode(String value) {
    try {
      return URLDecoder.decode(value.replace("+", "%2B"), "UTF-8");
    } catch (UnsupportedEncodingException | IllegalArgumentException e) {
      return value;
    }
  }

  private static String first(String a, String b) {
    return a != null && !a.trim().isEmpty() ? a.trim() : b != null && !b.trim().isEmpty() ? b.trim() : null;
  }

  private AgentResource() {}
}
