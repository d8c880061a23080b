package io.jobpulse.collector.detect;

import io.jobpulse.contract.JobMatcher;
import java.time.Duration;
import java.util.Objects;

/**
 * Limits for the job names one matcher selects ({@link JobMatcher#matchesJobName}); a {@code null}
 * limit keeps the default, {@link Duration#ZERO} turns it off. Written in YAML as {@code {match:
 * "com.acme..*#run", maxRuntime: 30m, stallTimeout: off}}.
 */
public record JobRule(JobMatcher match, Duration maxRuntime, Duration stallTimeout, Duration queueTimeout) {
  public JobRule {
    Objects.requireNonNull(match, "match");
  }

  /** {@code defaults} with this rule's limits where it sets them. */
  JobLimits over(JobLimits defaults) {
    return new JobLimits(
        override(maxRuntime, defaults.maxRuntime()),
        override(stallTimeout, defaults.stallTimeout()),
        override(queueTimeout, defaults.queueTimeout()));
  }

  private static Duration override(Duration rule, Duration defaultValue) {
    if (rule == null) {
      return defaultValue;
    }
    return rule.isZero() ? null : rule;
  }
}
