package io.jobpulse.agent.instrument.preset;

/**
 * What a {@link RunExtractor} read about one run. Immutable; any part may be unknown ({@code
 * null}), and the reporter then falls back on the job method's own.
 */
public final class RunFacts {

  /** Live progress of a run, read by the reporter whenever it reports the run. */
  public interface Progress {

    /** Units done so far, or {@code -1} when unknown. */
    long done();

    /** Units in all, or {@code -1} when unknown. */
    long total();
  }

  private final String jobName;
  private final String businessId;
  private final long attempt;
  private final Progress progress;

  private RunFacts(Builder builder) {
    this.jobName = builder.jobName;
    this.businessId = builder.businessId;
    this.attempt = builder.attempt;
    this.progress = builder.progress;
  }

  public static Builder builder() {
    return new Builder();
  }

  /** The library's name for the job, or {@code null} to keep {@code Class#method}. */
  public String jobName() {
    return jobName;
  }

  /** The library's id of what this run works on, or {@code null}. */
  public String businessId() {
    return businessId;
  }

  /** 1 for a first attempt, 2 for its first retry...; 1 unless the library tells otherwise. */
  public long attempt() {
    return attempt;
  }

  /** Where the run's progress can be read, or {@code null}. */
  public Progress progress() {
    return progress;
  }

  /** Builds {@link RunFacts}; unset parts stay unknown. */
  public static final class Builder {
    private String jobName;
    private String businessId;
    private long attempt = 1;
    private Progress progress;

    private Builder() {}

    public Builder jobName(Object name) {
      this.jobName = name == null ? null : name.toString();
      return this;
    }

    public Builder businessId(Object id) {
      this.businessId = id == null ? null : id.toString();
      return this;
    }

    /** Ignored unless at least 1. */
    public Builder attempt(long attempt) {
      if (attempt >= 1) {
        this.attempt = attempt;
      }
      return this;
    }

    public Builder progress(Progress progress) {
      this.progress = progress;
      return this;
    }

    public RunFacts build() {
      return new RunFacts(this);
    }
  }
}
