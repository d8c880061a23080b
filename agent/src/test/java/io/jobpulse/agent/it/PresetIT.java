package io.jobpulse.agent.it;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jobpulse.contract.AttributeKeys;
import io.jobpulse.contract.SpanNames;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Presets against the real libraries they name, with no job configured at all. */
class PresetIT {

  static List<String> javas() {
    return AgentIT.javas();
  }

  @ParameterizedTest
  @MethodSource("javas")
  void quartzJobsAreFoundByTheDefaultPreset(String java) throws Exception {
    try (OtlpReceiver receiver = new OtlpReceiver();
        ChildJvm child = ChildJvm.start(java,
            "collector.endpoint=" + receiver.endpoint() + ",lease.endpoint=none,report.short-runs=span",
            "io.jobpulse.testapp.quartz.QuartzApp", org.quartz.Job.class, org.slf4j.LoggerFactory.class)) {
      assertEquals(0, child.awaitExit());
      assertTrue(child.stdout().contains("report reports.nightly"), child.stdout());
      ReceivedSpan job = await().atMost(Duration.ofSeconds(30))
          .until(() -> receiver.spans(SpanNames.JOB).stream()
              .filter(s -> "io.jobpulse.testapp.quartz.ReportJob#execute".equals(s.attr(AttributeKeys.JOB_NAME))).findFirst(), Optional::isPresent)
          .get();
      assertEquals("reports.nightly", job.attr(AttributeKeys.JOB_BUSINESS_ID));
      assertEquals("completed", job.attr(AttributeKeys.JOB_OUTCOME));
    }
  }
}
