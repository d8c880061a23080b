package io.jobpulse.agent.it;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jobpulse.contract.AttributeKeys;
import io.jobpulse.contract.SpanNames;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Enumeration;
import java.util.List;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The agent bundles Byte Buddy and the OpenTelemetry SDK; an application may ship its own of both.
 * DESIGN.md: everything the agent bundles is relocated, so the two never meet.
 */
class IsolationIT {

  private static final Duration WAIT = Duration.ofSeconds(30);
  private static final String APP = "io.jobpulse.testapp.isolation.OwnTelemetryApp";
  private static final String SHADED = "io/jobpulse/";

  static List<String> javas() {
    return AgentIT.javas();
  }

  @Test
  void everythingTheAgentJarBundlesLivesUnderItsOwnPackage() throws IOException {
    List<String> strays = new ArrayList<>();
    try (JarFile jar = new JarFile(ChildJvm.AGENT_JAR)) {
      Enumeration<JarEntry> entries = jar.entries();
      while (entries.hasMoreElements()) {
        JarEntry entry = entries.nextElement();
        String name = entry.getName();
        if (name.endsWith(".class") && !name.startsWith(SHADED) && !name.startsWith("META-INF/versions/")) {
          strays.add(name);
        } else if (name.startsWith("META-INF/services/") && !entry.isDirectory()) {
          // A service file is found by its name and names its implementations: both must be relocated.
          if (!name.startsWith("META-INF/services/io.jobpulse.")) {
            strays.add(name);
          }
          try (InputStream in = jar.getInputStream(entry)) {
            for (String line : new String(in.readAllBytes(), StandardCharsets.UTF_8).split("\n")) {
              String implementation = line.replaceAll("#.*", "").trim();
              if (!implementation.isEmpty() && !implementation.startsWith("io.jobpulse.")) {
                strays.add(name + " -> " + implementation);
              }
            }
          }
        }
      }
    }
    assertEquals(List.of(), strays, "not relocated");
  }

  @ParameterizedTest
  @MethodSource("javas")
  void anApplicationWithItsOwnOpenTelemetryAndByteBuddyKeepsThemAndIsStillReported(String java) throws Exception {
    try (OtlpReceiver receiver = new OtlpReceiver();
        ChildJvm child = ChildJvm.start(java, "collector.endpoint=" + receiver.endpoint()
                + ",lease.endpoint=none,report.short-runs=span,jobs=" + APP + "#settle", APP,
            io.opentelemetry.api.OpenTelemetry.class, io.opentelemetry.context.Context.class,
            io.opentelemetry.common.ComponentLoader.class, io.opentelemetry.sdk.OpenTelemetrySdk.class,
            io.opentelemetry.sdk.common.CompletableResultCode.class, io.opentelemetry.sdk.trace.SdkTracerProvider.class,
            io.opentelemetry.sdk.metrics.SdkMeterProvider.class, io.opentelemetry.sdk.logs.SdkLoggerProvider.class,
            io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter.class, net.bytebuddy.ByteBuddy.class)) {
      assertEquals(0, child.awaitExit(), child.stderr());
      String out = child.stdout();
      assertTrue(out.contains("settled 42"), out);
      assertTrue(out.lines().anyMatch("own spans: GET /settlements"::equals), "the application's spans stay its own: " + out);
      assertTrue(out.contains("own byte buddy: own byte buddy from "), out);
      assertFalse(out.contains("jobpulse-agent.jar"), "the application's Byte Buddy is its own jar's: " + out);

      ReceivedSpan job = await().atMost(WAIT).until(() -> receiver.spans(SpanNames.JOB), spans -> !spans.isEmpty()).get(0);
      assertEquals(APP + "#settle", job.attr(AttributeKeys.JOB_NAME));
      assertEquals("completed", job.attr(AttributeKeys.JOB_OUTCOME));
      assertTrue(receiver.spans("GET /settlements").isEmpty(), "the application's spans never reach JobPulse");
    }
  }
}
