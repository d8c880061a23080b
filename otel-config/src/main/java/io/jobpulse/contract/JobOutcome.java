package io.jobpulse.contract;

/** How a job run ended, as the agent saw it; carried in {@link AttributeKeys#JOB_OUTCOME}. */
public enum JobOutcome {
  /** The job method returned. */
  COMPLETED("completed"),
  /** The job method threw; the span has status ERROR and an exception event. */
  FAILED("failed"),
  /** The JVM exited gracefully while the job ran. */
  ABANDONED("abandoned");

  /** {@code values()} copies its array on every call; the collector reads an outcome per ended run. */
  private static final JobOutcome[] ALL = values();

  private final String wireValue;

  JobOutcome(String wireValue) {
    this.wireValue = wireValue;
  }

  public String wireValue() {
    return wireValue;
  }

  /** The outcome named by {@code value}, or {@code null} when it names none. */
  public static JobOutcome fromWire(String value) {
    for (JobOutcome outcome : ALL) {
      if (outcome.wireValue.equals(value)) {
        return outcome;
      }
    }
    return null;
  }
}
