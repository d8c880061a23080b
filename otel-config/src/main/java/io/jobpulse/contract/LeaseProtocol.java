package io.jobpulse.contract;

/**
 * The liveness lease: one long-lived connection from the agent to the collector's OTLP port,
 * upgraded from HTTP, that carries ASCII lines. Its closing without {@link #BYE} means the
 * process died.
 */
public final class LeaseProtocol {

  public static final String PATH = "/v1/jobpulse/lease";
  public static final String UPGRADE_TOKEN = "jobpulse-lease";
  public static final String INSTANCE_ID_HEADER = "JobPulse-Instance-Id";
  public static final String PING = "PING";
  public static final String PONG = "PONG";
  public static final String BYE = "BYE";
  /** How often the agent pings. */
  public static final long PING_INTERVAL_MS = 1000;

  private LeaseProtocol() {}
}
