package io.jobpulse.contract;

/**
 * The agent's configuration keys (a stable contract). Each can be given as an agent argument, a
 * {@code jobpulse.*} system property, a {@code JOBPULSE_*} environment variable or a line of the
 * file named by {@link #CONFIG_FILE}.
 */
public final class ConfigKeys {

  public static final String COLLECTOR_ENDPOINT = "jobpulse.collector.endpoint";
  public static final String LEASE_ENDPOINT = "jobpulse.lease.endpoint";
  public static final String JOBS = "jobpulse.jobs";
  public static final String ITEMS = "jobpulse.items";
  public static final String HEARTBEAT_INTERVAL = "jobpulse.heartbeat.interval";
  public static final String ENABLED = "jobpulse.enabled";
  public static final String INGEST_TOKEN = "jobpulse.ingest.token";
  public static final String REPORT_SHORT_RUNS = "jobpulse.report.short-runs";
  public static final String ANNOUNCE_DELAY = "jobpulse.announce.delay";
  public static final String CONFIG_FILE = "jobpulse.config.file";

  public static final String DEFAULT_COLLECTOR_ENDPOINT = "http://localhost:4318";
  public static final String DEFAULT_HEARTBEAT_INTERVAL = "5s";
  public static final String DEFAULT_ANNOUNCE_DELAY = "100ms";
  /** {@link #LEASE_ENDPOINT} value that turns the lease off. */
  public static final String LEASE_NONE = "none";

  /** The environment variable for a key: {@code jobpulse.heartbeat.interval} → {@code JOBPULSE_HEARTBEAT_INTERVAL}. */
  public static String environmentName(String key) {
    StringBuilder name = new StringBuilder(key.length());
    for (int i = 0; i < key.length(); i++) {
      char c = key.charAt(i);
      name.append(c == '.' || c == '-' ? '_' : Character.toUpperCase(c));
    }
    return name.toString();
  }

  private ConfigKeys() {}
}
