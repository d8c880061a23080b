package io.jobpulse.testapp.isolation;

import io.opentelemetry.api.GlobalOpenTelemetry;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import java.util.stream.Collectors;
import net.bytebuddy.ByteBuddy;
import net.bytebuddy.implementation.FixedValue;
import net.bytebuddy.matcher.ElementMatchers;

/**
 * An application that ships its own OpenTelemetry SDK and its own Byte Buddy, as many do, and
 * claims the global OpenTelemetry for itself. It prints what it saw of each, so a test can tell
 * that the agent, whose copies are relocated, took none of them.
 */
public final class OwnTelemetryApp {

  public static void main(String[] args) throws Exception {
    InMemorySpanExporter exported = InMemorySpanExporter.create();
    OpenTelemetrySdk own = OpenTelemetrySdk.builder()
        .setTracerProvider(SdkTracerProvider.builder().addSpanProcessor(SimpleSpanProcessor.create(exported)).build())
        .build();
    // Throws if anyone, the agent included, set the global instance first.
    GlobalOpenTelemetry.set(own);

    Span request = GlobalOpenTelemetry.getTracer("own-app").spanBuilder("GET /settlements").startSpan();
    int settled = new OwnTelemetryApp().settle(21);
    request.end();

    Class<?> generated = new ByteBuddy().subclass(Object.class)
        .method(ElementMatchers.named("toString")).intercept(FixedValue.value("own byte buddy"))
        .make().load(OwnTelemetryApp.class.getClassLoader()).getLoaded();

    System.out.println("settled " + settled);
    System.out.println("own spans: " + exported.getFinishedSpanItems().stream().map(SpanData::getName)
        .collect(Collectors.joining(",")));
    System.out.println("own byte buddy: " + generated.getDeclaredConstructor().newInstance()
        + " from " + ByteBuddy.class.getProtectionDomain().getCodeSource().getLocation());
    own.close();
  }

  /** The job the agent is told to report. */
  public int settle(int batch) {
    return batch * 2;
  }
}
