package io.jobpulse.agent.config;

import io.jobpulse.agent.log.AgentLog;
import io.jobpulse.contract.ConfigKeys;
import io.jobpulse.contract.Durations;
import io.jobpulse.contract.JobMatcher;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Properties;

/**
 * The agent's settings, resolved once at startup. Immutable.
 *
 * <p>Each key is looked up, highest precedence first, in the agent arguments, the {@code
 * jobpulse.*} system properties, the {@code JOBPULSE_*} environment and the properties file named
 * by {@code jobpulse.config.file} (itself taken from any of the higher levels). A bad value is
 * logged once and replaced by the default (a bad matcher is left out); loading never throws.
 */
public final class AgentConfig {

  /** How runs that complete before they are announced are reported. */
  public enum ShortRuns {
    /** Counted in their job name's summary on the next heartbeat. */
    SUMMARY,
    /** Each one sent as a {@code jobpulse.job} span. */
    SPAN
  }

  private final boolean enabled;
  private final String collectorEndpoint;
  private final URI leaseEndpoint;
  private final List<JobMatcher> jobs;
  private final List<JobMatcher> items;
  private final Duration heartbeatInterval;
  private final Duration announceDelay;
  private final String ingestToken;
  private final ShortRuns shortRuns;

  private AgentConfig(Lookup sources) {
    enabled = parseEnabled(sources.get(ConfigKeys.ENABLED));
    // A disabled agent is a no-op: it neither reads nor judges the rest of its settings.
    Lookup lookup = enabled ? sources : Lookup.NONE;
    collectorEndpoint = parseEndpoint(ConfigKeys.COLLECTOR_ENDPOINT, lookup.get(ConfigKeys.COLLECTOR_ENDPOINT), ConfigKeys.DEFAULT_COLLECTOR_ENDPOINT);
    leaseEndpoint = parseLease(lookup.get(ConfigKeys.LEASE_ENDPOINT), collectorEndpoint);
    String jobsText = lookup.get(ConfigKeys.JOBS);
    jobs = parseMatchers(ConfigKeys.JOBS, jobsText == null ? "preset:auto" : jobsText);
    items = parseMatchers(ConfigKeys.ITEMS, lookup.get(ConfigKeys.ITEMS));
    heartbeatInterval = parsePositiveDuration(ConfigKeys.HEARTBEAT_INTERVAL, lookup.get(ConfigKeys.HEARTBEAT_INTERVAL), ConfigKeys.DEFAULT_HEARTBEAT_INTERVAL);
    announceDelay = parseDuration(ConfigKeys.ANNOUNCE_DELAY, lookup.get(ConfigKeys.ANNOUNCE_DELAY), ConfigKeys.DEFAULT_ANNOUNCE_DELAY);
    String token = lookup.get(ConfigKeys.INGEST_TOKEN);
    ingestToken = token == null || token.isEmpty() ? null : token;
    shortRuns = parseShortRuns(lookup.get(ConfigKeys.REPORT_SHORT_RUNS));
  }

  /** Resolves the configuration of this JVM. */
  public static AgentConfig load(String agentArguments) {
    return load(agentArguments, System.getProperties(), System.getenv());
  }

  /** Resolves the configuration from explicit sources (tests). */
  public static AgentConfig load(String agentArguments, Properties systemProperties, Map<String, String> environment) {
    return new AgentConfig(new Lookup(AgentArguments.parse(agentArguments), systemProperties, environment));
  }

  public boolean enabled() {
    return enabled;
  }

  /** The OTLP/HTTP base URL, without a trailing slash. */
  public String collectorEndpoint() {
    return collectorEndpoint;
  }

  /** Where the liveness lease connects, or {@code null} when the lease is off. */
  public URI leaseEndpoint() {
    return leaseEndpoint;
  }

  public List<JobMatcher> jobs() {
    return jobs;
  }

  public List<JobMatcher> items() {
    return items;
  }

  public Duration heartbeatInterval() {
    return heartbeatInterval;
  }

  public Duration announceDelay() {
    return announceDelay;
  }

  /** The bearer token for the collector, or {@code null}. Never log it. */
  public String ingestToken() {
    return ingestToken;
  }

  public ShortRuns shortRuns() {
    return shortRuns;
  }

  @Override
  public String toString() {
    return "AgentConfig{enabled=" + enabled
        + ", collector=" + collectorEndpoint
        + ", lease=" + (leaseEndpoint == null ? ConfigKeys.LEASE_NONE : leaseEndpoint)
        + ", jobs=" + jobs
        + ", items=" + items
        + ", heartbeat=" + Durations.format(heartbeatInterval)
        + ", announceDelay=" + Durations.format(announceDelay)
        + ", token=" + (ingestToken == null ? "unset" : "set")
        + ", shortRuns=" + shortRuns + '}';
  }

  private static boolean parseEnabled(String value) {
    if (value == null || value.equalsIgnoreCase("true")) {
      return true;
    }
    if (value.equalsIgnoreCase("false")) {
      return false;
    }
    warnBad(ConfigKeys.ENABLED, value, "true or false", "true");
    return true;
  }

  private static String parseEndpoint(String key, String value, String defaultValue) {
    if (value == null) {
      return defaultValue;
    }
    try {
      URI uri = new URI(value.trim());
      if (("http".equals(uri.getScheme()) || "https".equals(uri.getScheme())) && uri.getHost() != null) {
        String text = uri.toString();
        return text.endsWith("/") ? text.substring(0, text.length() - 1) : text;
      }
    } catch (Exception e) {
      // reported below, as for any other bad value
    }
    warnBad(key, value, "an http:// or https:// URL such as http://collector:4318", defaultValue);
    return defaultValue;
  }

  private static URI parseLease(String value, String collectorEndpoint) {
    if (value != null && value.trim().equalsIgnoreCase(ConfigKeys.LEASE_NONE)) {
      return null;
    }
    return URI.create(parseEndpoint(ConfigKeys.LEASE_ENDPOINT, value, collectorEndpoint));
  }

  private static List<JobMatcher> parseMatchers(String key, String value) {
    List<JobMatcher> matchers = new ArrayList<>();
    if (value == null) {
      return matchers;
    }
    for (String entry : value.split(";")) {
      if (entry.trim().isEmpty()) {
        continue;
      }
      try {
        matchers.add(JobMatcher.parse(entry));
      } catch (IllegalArgumentException e) {
        AgentLog.warnOnce("matcher:" + key + ":" + entry, "ignoring part of " + key + ": " + e.getMessage());
      }
    }
    return Collections.unmodifiableList(matchers);
  }

  private static Duration parseDuration(String key, String value, String defaultValue) {
    if (value != null) {
      try {
        return Durations.parse(value);
      } catch (IllegalArgumentException e) {
        AgentLog.warnOnce("config:" + key, "ignoring " + key + ": " + e.getMessage() + "; using " + defaultValue);
      }
    }
    return Durations.parse(defaultValue);
  }

  private static Duration parsePositiveDuration(String key, String value, String defaultValue) {
    Duration duration = parseDuration(key, value, defaultValue);
    if (duration.isZero()) {
      warnBad(key, value, "a positive duration", defaultValue);
      return Durations.parse(defaultValue);
    }
    return duration;
  }

  private static ShortRuns parseShortRuns(String value) {
    if (value == null || value.equalsIgnoreCase("summary")) {
      return ShortRuns.SUMMARY;
    }
    if (value.equalsIgnoreCase("span")) {
      return ShortRuns.SPAN;
    }
    warnBad(ConfigKeys.REPORT_SHORT_RUNS, value, "summary or span", "summary");
    return ShortRuns.SUMMARY;
  }

  private static void warnBad(String key, String value, String expected, String defaultValue) {
    AgentLog.warnOnce("config:" + key, "ignoring " + key + "='" + value + "': expected " + expected + "; using " + defaultValue);
  }

  /** The four sources, in precedence order. */
  private static final class Lookup {
    /** No source at all: every setting is its default. */
    static final Lookup NONE = new Lookup(Map.of(), new Properties(), Map.of());

    private final Map<String, String> arguments;
    private final Properties systemProperties;
    private final Map<String, String> environment;
    private final Properties file;

    Lookup(Map<String, String> arguments, Properties systemProperties, Map<String, String> environment) {
      this.arguments = arguments;
      this.systemProperties = systemProperties;
      this.environment = environment;
      this.file = readFile(withoutFile(ConfigKeys.CONFIG_FILE));
    }

    String get(String key) {
      String value = withoutFile(key);
      return value != null ? value : file.getProperty(key, file.getProperty(key.substring(AgentArguments.PREFIX.length())));
    }

    private String withoutFile(String key) {
      String value = arguments.get(key);
      if (value == null) {
        value = systemProperties.getProperty(key);
      }
      if (value == null) {
        value = environment.get(ConfigKeys.environmentName(key));
      }
      return value;
    }

    private static Properties readFile(String name) {
      Properties properties = new Properties();
      if (name == null || name.trim().isEmpty()) {
        return properties;
      }
      try (InputStream in = Files.newInputStream(Paths.get(name.trim()))) {
        properties.load(in);
      } catch (IOException | RuntimeException e) {
        AgentLog.warnOnce("config-file", "cannot read " + ConfigKeys.CONFIG_FILE + " '" + name + "' (" + e + "); going on without it");
      }
      return properties;
    }
  }
}
