package io.jobpulse.agent.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import io.jobpulse.contract.AttributeKeys;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.sdk.resources.Resource;
import java.util.Map;
import java.util.Properties;
import org.junit.jupiter.api.Test;

/** The resource every span carries: the standard OpenTelemetry settings, then the worker's identity. */
class AgentResourceTest {

  private static final AttributeKey<String> SERVICE = AttributeKey.stringKey(AttributeKeys.SERVICE_NAME);
  private static final AttributeKey<String> INSTANCE = AttributeKey.stringKey(AttributeKeys.SERVICE_INSTANCE_ID);

  @Test
  void resourceAttributesFromTheEnvironmentAreKeptAndPercentDecoded() {
    Resource resource = create(new Properties(),
        Map.of("OTEL_RESOURCE_ATTRIBUTES", "deployment.environment=prod, team=billing%20ops,service.name=billing"));

    assertEquals("prod", resource.getAttribute(AttributeKey.stringKey("deployment.environment")));
    assertEquals("billing ops", resource.getAttribute(AttributeKey.stringKey("team")));
    assertEquals("billing", resource.getAttribute(SERVICE), "service.name may come from the resource attributes");
  }

  @Test
  void systemPropertiesWinOverTheEnvironmentAndTheServiceNameSettingOverTheAttributes() {
    Properties properties = new Properties();
    properties.setProperty("otel.resource.attributes", "team=payments,service.name=from-attributes");
    properties.setProperty("otel.service.name", "settlement");
    Resource resource = create(properties, Map.of("OTEL_RESOURCE_ATTRIBUTES", "team=billing", "OTEL_SERVICE_NAME", "env-name"));

    assertEquals("payments", resource.getAttribute(AttributeKey.stringKey("team")));
    assertEquals("settlement", resource.getAttribute(SERVICE));
  }

  @Test
  void theWorkersIdentityCannotBeOverriddenByASetting() {
    Resource resource = create(new Properties(), Map.of("OTEL_RESOURCE_ATTRIBUTES", "service.instance.id=fixed"));

    assertEquals("instance-1", resource.getAttribute(INSTANCE), "a new id per JVM start: two JVMs must never share one");
    assertNotNull(resource.getAttribute(AttributeKey.longKey(AttributeKeys.PROCESS_PID)));
    assertEquals("9.9.9", resource.getAttribute(AttributeKey.stringKey(AttributeKeys.AGENT_VERSION)));
  }

  @Test
  void withoutAServiceNameTheMainClassOrJarNamesTheService() {
    assertEquals("Settlement", AgentResource.defaultServiceName("com.acme.Settlement --fast"));
    assertEquals("billing-worker", AgentResource.defaultServiceName("/opt/app/billing-worker.jar --fast"));
    assertEquals("unknown_service:java", AgentResource.defaultServiceName(null));
  }

  private static Resource create(Properties properties, Map<String, String> environment) {
    return AgentResource.create("instance-1", "9.9.9", properties, environment);
  }
}
