package io.jobpulse.collector.alert;

import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * Where alerts go and how their delivery is retried.
 *
 * @param webhooks the targets; none means no alert is recorded at all
 * @param retryBase the first retry's delay; each next one doubles it
 * @param retryCap the longest delay between two attempts
 */
public record AlertConfig(List<Webhook> webhooks, Duration retryBase, Duration retryCap) {

  public static final Duration DEFAULT_RETRY_BASE = Duration.ofSeconds(1);
  public static final Duration DEFAULT_RETRY_CAP = Duration.ofMinutes(5);

  /** No webhook: alerting off. */
  public static final AlertConfig NONE = new AlertConfig(List.of(), DEFAULT_RETRY_BASE, DEFAULT_RETRY_CAP);

  public AlertConfig {
    webhooks = List.copyOf(webhooks);
    Objects.requireNonNull(retryBase, "retryBase");
    Objects.requireNonNull(retryCap, "retryCap");
    if (retryBase.isNegative() || retryBase.isZero() || retryCap.compareTo(retryBase) < 0) {
      throw new IllegalArgumentException("alert retry delays must be positive, the cap at least the base: "
          + retryBase + ", " + retryCap);
    }
  }

  public static AlertConfig of(List<Webhook> webhooks) {
    return new AlertConfig(webhooks, DEFAULT_RETRY_BASE, DEFAULT_RETRY_CAP);
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
}
