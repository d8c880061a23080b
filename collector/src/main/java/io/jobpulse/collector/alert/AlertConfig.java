package io.jobpulse.collector.alert;

import io.jobpulse.contract.Durations;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * Where alerts go, how their delivery is retried, and when a job name failing again and again is
 * an alert.
 *
 * @param webhooks the targets; none means no alert is recorded at all
 * @param retryBase the first retry's delay; each next one doubles it
 * @param retryCap the longest delay between two attempts
 * @param failures when a job name's failures make a {@code job_failing} alert; {@link
 *     FailureStorm#OFF} for never
 */
public record AlertConfig(List<Webhook> webhooks, Duration retryBase, Duration retryCap, FailureStorm failures) {

  public static final Duration DEFAULT_RETRY_BASE = Duration.ofSeconds(1);
  public static final Duration DEFAULT_RETRY_CAP = Duration.ofMinutes(5);

  /** No webhook: alerting off. */
  public static final AlertConfig NONE = new AlertConfig(List.of(), DEFAULT_RETRY_BASE, DEFAULT_RETRY_CAP);

  public AlertConfig {
    webhooks = List.copyOf(webhooks);
    Objects.requireNonNull(retryBase, "retryBase");
    Objects.requireNonNull(retryCap, "retryCap");
    Objects.requireNonNull(failures, "failures");
    if (retryBase.isNegative() || retryBase.isZero() || retryCap.compareTo(retryBase) < 0) {
      throw new IllegalArgumentException("alert retry delays must be positive, the cap at least the base: "
          + retryBase + ", " + retryCap);
    }
  }

  /** With the default failure-storm thresholds ({@link FailureStorm#DEFAULT}). */
  public AlertConfig(List<Webhook> webhooks, Duration retryBase, Duration retryCap) {
    this(webhooks, retryBase, retryCap, FailureStorm.DEFAULT);
  }

  public static AlertConfig of(List<Webhook> webhooks) {
    return new AlertConfig(webhooks, DEFAULT_RETRY_BASE, DEFAULT_RETRY_CAP);
  }

  /** This configuration with other failure-storm thresholds ({@link FailureStorm#OFF}: none). */
  public AlertConfig withFailures(FailureStorm failures) {
    return new AlertConfig(webhooks, retryBase, retryCap, failures);
  }

  public boolean enabled() {
    return !webhooks.isEmpty();
  }

  /** The body a target understands. */
  public enum Format {
    /** JobPulse's own JSON document. */
    JSON,
    /** Slack's incoming-webhook message: {@code {"text": ..., "blocks": [...]}}. */
    SLACK;

    /** {@code json} or {@code slack}, any case. */
    public static Format parse(String text) {
      try {
        return valueOf(text.trim().toUpperCase(Locale.ROOT));
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException("unknown alert format '" + text + "'; allowed: json, slack");
      }
    }
  }

  /**
   * One target.
   *
   * @param notifyCompleted also tell it of every run that completes
   */
  public record Webhook(URI url, Format format, boolean notifyCompleted) {
    public Webhook {
      Objects.requireNonNull(url, "url");
      Objects.requireNonNull(format, "format");
      String scheme = url.getScheme();
      if (scheme == null || !(scheme.equalsIgnoreCase("http") || scheme.equalsIgnoreCase("https")) || url.getHost() == null) {
        throw new IllegalArgumentException("an alert webhook must be an http(s) URL: " + url);
      }
    }

    public static Webhook json(String url) {
      return new Webhook(URI.create(url), Format.JSON, false);
    }
  }

  /**
   * When one job name (of one service) failing again and again is a {@code job_failing} alert: at
   * least {@code minFailures} of its runs ended {@code FAILED} within the sliding {@code window},
   * and they are at least {@code ratio} of the runs that ended in it (completed, short-run
   * summaries included, and failed). Then quiet for one window; a reminder if still so after it.
   *
   * @param minFailures at least 1
   * @param ratio more than 0, at most 1
   * @param window from 1m to 7d; counted in minutes (in 1/60ths beyond an hour)
   */
  public record FailureStorm(int minFailures, double ratio, Duration window) {

    public static final int DEFAULT_MIN_FAILURES = 10;
    public static final double DEFAULT_RATIO = 0.5;
    public static final Duration DEFAULT_WINDOW = Duration.ofMinutes(15);
    public static final Duration MIN_WINDOW = Duration.ofMinutes(1);
    public static final Duration MAX_WINDOW = Duration.ofDays(7);

    /** 10 failures, half the runs, in 15 minutes: on whenever webhooks are. */
    public static final FailureStorm DEFAULT = new FailureStorm(DEFAULT_MIN_FAILURES, DEFAULT_RATIO, DEFAULT_WINDOW);
    /** No failure-storm alert; the only value with {@code minFailures} 0. */
    public static final FailureStorm OFF = new FailureStorm(0, 0, Duration.ZERO);

    /** @throws IllegalArgumentException naming the threshold at fault */
    public FailureStorm {
      Objects.requireNonNull(window, "window");
      boolean off = minFailures == 0 && ratio == 0 && window.isZero();
      if (!off) {
        if (minFailures < 1) {
          throw new IllegalArgumentException("failures.minFailures must be at least 1, got " + minFailures);
        }
        if (!(ratio > 0 && ratio <= 1)) {
          throw new IllegalArgumentException("failures.ratio must be more than 0 and at most 1 (0.5: half the runs), got "
              + ratio);
        }
        if (window.compareTo(MIN_WINDOW) < 0 || window.compareTo(MAX_WINDOW) > 0) {
          throw new IllegalArgumentException("failures.window must be from 1m to 7d, got " + Durations.format(window));
        }
      }
    }

    public boolean enabled() {
      return minFailures > 0;
    }
  }
}
