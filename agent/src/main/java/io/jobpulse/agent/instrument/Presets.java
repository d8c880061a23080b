package io.jobpulse.agent.instrument;

import io.jobpulse.agent.log.AgentLog;
import io.jobpulse.contract.JobMatcher;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * What each {@code preset:} stands for. A preset's matchers name their library's types, so they
 * only apply where a class loader sees that library: {@code preset:auto} is simply all of them.
 */
final class Presets {

  static final String QUARTZ = "implements:org.quartz.Job#execute(id=arg0.jobDetail.key)";
  static final String SPRING_SCHEDULED = "annotated:org.springframework.scheduling.annotation.Scheduled";

  /** {@code matchers} with every preset replaced by the matchers it stands for. */
  static List<JobMatcher> expand(List<JobMatcher> matchers) {
    List<JobMatcher> expanded = new ArrayList<>();
    for (JobMatcher matcher : matchers) {
      if (matcher.kind() != JobMatcher.Kind.PRESET) {
        expanded.add(matcher);
        continue;
      }
      switch (matcher.typePattern()) {
        case "auto":
          addOnce(expanded, QUARTZ);
          addOnce(expanded, SPRING_SCHEDULED);
          break;
        case "quartz":
          addOnce(expanded, QUARTZ);
          break;
        case "spring-scheduled":
          addOnce(expanded, SPRING_SCHEDULED);
          break;
        default:
          AgentLog.warnOnce("preset:" + matcher.typePattern(), "preset '" + matcher + "' is not supported by this agent yet; ignored (name the job methods instead)");
      }
    }
    return Collections.unmodifiableList(expanded);
  }

  private static void addOnce(List<JobMatcher> matchers, String text) {
    JobMatcher matcher = JobMatcher.parse(text);
    if (!matchers.contains(matcher)) {
      matchers.add(matcher);
    }
  }

  private Presets() {}
}
