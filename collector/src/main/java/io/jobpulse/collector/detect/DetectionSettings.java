package io.jobpulse.collector.detect;

import com.fasterxml.jackson.databind.JsonNode;
import io.jobpulse.contract.Durations;
import io.jobpulse.contract.JobMatcher;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * When runs are flagged: the default limits, the per-job-name {@link JobRule}s (first match wins)
 * and how many heartbeats of an alive worker may leave a run out before it is {@code LOST}.
 * Immutable; build with {@link #builder()}.
 */
public final class DetectionSettings {

  public static final Duration DEFAULT_STALL_TIMEOUT = Duration.ofMinutes(5);
  public static final Duration DEFAULT_QUEUE_TIMEOUT = Duration.ofMinutes(10);
  public static final int DEFAULT_LOST_AFTER = 3;
  /** The word that turns a limit off, in flags, environment and YAML. */
  public static final String OFF = "off";

  private static final Set<String> RULE_KEYS = Set.of("match", "maxRuntime", "stallTimeout", "queueTimeout");
  /** Bounds the memo: job names come from senders, and a sender may invent many. */
  private static final int MAX_MEMOIZED_NAMES = 4096;

  private final JobLimits defaults;
  private final int lostAfter;
  private final List<JobRule> rules;
  private final Map<String, JobLimits> byName = new ConcurrentHashMap<>();

  private DetectionSettings(Builder b) {
    defaults = new JobLimits(b.maxRuntime, b.stallTimeout, b.queueTimeout);
    lostAfter = b.lostAfter;
    rules = List.copyOf(b.rules);
  }

  public static DetectionSettings defaults() {
    return builder().build();
  }

  public static Builder builder() {
    return new Builder();
  }

  /** The limits of job name {@code jobName} ({@code null}: the defaults). */
  public JobLimits limitsFor(String jobName) {
    if (jobName == null || rules.isEmpty()) {
      return defaults;
    }
    JobLimits limits = byName.get(jobName);
    if (limits == null) {
      limits = defaults;
      for (JobRule rule : rules) {
        if (rule.match().matchesJobName(jobName)) {
          limits = rule.over(defaults);
          break;
        }
      }
      if (byName.size() < MAX_MEMOIZED_NAMES) {
        byName.put(jobName, limits);
      }
    }
    return limits;
  }

  public JobLimits defaultLimits() {
    return defaults;
  }

  /** How many heartbeats in a row of an alive worker may leave a run out before it is {@code LOST}. */
  public int lostAfter() {
    return lostAfter;
  }

  public List<JobRule> rules() {
    return rules;
  }

  /**
   * Parses a limit: a duration ({@code 30m}) or {@link #OFF}, which gives {@link Duration#ZERO}.
   *
   * @throws IllegalArgumentException naming {@code what} when it is neither, or zero
   */
  public static Duration parseLimit(String what, String text) {
    // YAML 1.1 reads an unquoted off as the boolean false, whose text is "false".
    if (text != null && (text.trim().equalsIgnoreCase(OFF) || text.trim().equals("false"))) {
      return Duration.ZERO;
    }
    Duration duration;
    try {
      duration = Durations.parse(text);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(what + ": " + e.getMessage() + ", or '" + OFF + "'");
    }
    if (duration.isZero()) {
      throw new IllegalArgumentException(what + " must be longer than 0; write '" + OFF + "' to turn it off");
    }
    return duration;
  }

  /**
   * Parses the rules of a YAML/JSON list: {@code [{match: "com.acme..*#run", maxRuntime: 30m,
   * stallTimeout: 2m, queueTimeout: 1h}]}.
   *
   * @param source names where the list comes from, for the error messages
   * @throws IllegalArgumentException naming the entry and key at fault
   */
  public static List<JobRule> parseRules(JsonNode list, String source) {
    if (list == null || list.isNull() || list.isMissingNode()) {
      return List.of();
    }
    if (!list.isArray()) {
      throw new IllegalArgumentException(source + " must be a list of {match: ..., maxRuntime: ..., stallTimeout: ..., "
          + "queueTimeout: ...}");
    }
    List<JobRule> rules = new ArrayList<>();
    for (int i = 0; i < list.size(); i++) {
      String at = source + "[" + i + "]";
      JsonNode entry = list.get(i);
      if (!entry.isObject()) {
        throw new IllegalArgumentException(at + " must be a mapping with 'match' and limits, e.g. "
            + "{match: \"com.acme..*#run\", maxRuntime: 30m}");
      }
      for (Iterator<String> keys = entry.fieldNames(); keys.hasNext(); ) {
        String key = keys.next();
        if (!RULE_KEYS.contains(key)) {
          throw new IllegalArgumentException(at + ": unknown key '" + key + "'; allowed: match, maxRuntime, "
              + "stallTimeout, queueTimeout");
        }
      }
      JsonNode match = entry.get("match");
      if (match == null || !match.isTextual() || match.asText().isBlank()) {
        throw new IllegalArgumentException(at + ": 'match' is required, a job matcher such as com.acme..*#run");
      }
      JobMatcher matcher;
      try {
        matcher = JobMatcher.parse(match.asText());
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException(at + ".match: " + e.getMessage());
      }
      if (matcher.kind() != JobMatcher.Kind.METHOD) {
        // implements:/annotated:/preset: select classes at load time; a job name says nothing of them.
        throw new IllegalArgumentException(at + ".match: '" + match.asText() + "' does not select job names; use a "
            + "Class#method form (com.acme.Worker#run, com.acme.jobs.*#perform, com.acme..*#run)");
      }
      rules.add(new JobRule(matcher, limit(entry, "maxRuntime", at), limit(entry, "stallTimeout", at),
          limit(entry, "queueTimeout", at)));
    }
    return rules;
  }

  private static Duration limit(JsonNode entry, String key, String at) {
    JsonNode value = entry.get(key);
    if (value == null || value.isNull()) {
      return null;
    }
    if (value.isBoolean() && !value.booleanValue()) {
      return Duration.ZERO; // YAML 1.1 reads an unquoted off as false
    }
    return parseLimit(at + "." + key, value.asText());
  }

  public static final class Builder {
    private Duration maxRuntime;
    private Duration stallTimeout = DEFAULT_STALL_TIMEOUT;
    private Duration queueTimeout = DEFAULT_QUEUE_TIMEOUT;
    private int lostAfter = DEFAULT_LOST_AFTER;
    private final List<JobRule> rules = new ArrayList<>();

    private Builder() {}

    /** Longer than this running is {@code STUCK}; {@code null} or zero: off (the default). */
    public Builder maxRuntime(Duration maxRuntime) {
      this.maxRuntime = offWhenZero(maxRuntime);
      return this;
    }

    /** This long alive without progress is {@code STALLED}; {@code null} or zero: off. */
    public Builder stallTimeout(Duration stallTimeout) {
      this.stallTimeout = offWhenZero(stallTimeout);
      return this;
    }

    /** This long enqueued without starting is {@code PENDING_TOO_LONG}; {@code null} or zero: off. */
    public Builder queueTimeout(Duration queueTimeout) {
      this.queueTimeout = offWhenZero(queueTimeout);
      return this;
    }

    public Builder lostAfter(int lostAfter) {
      if (lostAfter < 1) {
        throw new IllegalArgumentException("lost-after must be at least 1 heartbeat: " + lostAfter);
      }
      this.lostAfter = lostAfter;
      return this;
    }

    /** Adds a rule; rules are tried in the order added, the first match wins. */
    public Builder rule(JobRule rule) {
      rules.add(Objects.requireNonNull(rule, "rule"));
      return this;
    }

    public Builder rules(List<JobRule> more) {
      more.forEach(this::rule);
      return this;
    }

    public DetectionSettings build() {
      return new DetectionSettings(this);
    }

    private static Duration offWhenZero(Duration duration) {
      if (duration != null && duration.isNegative()) {
        throw new IllegalArgumentException("a limit must not be negative: " + duration);
      }
      return duration == null || duration.isZero() ? null : duration;
    }
  }
}
