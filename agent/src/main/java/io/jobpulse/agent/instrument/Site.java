package io.jobpulse.agent.instrument;

import io.jobpulse.agent.instrument.preset.RunExtractor;
import io.jobpulse.contract.ValuePath;

/** One instrumented job method: what the reporter needs to know about its runs. Immutable. */
public final class Site {

  private final int id;
  private final String jobName;
  private final ValuePath businessId;
  private final ValuePath total;
  private final RunExtractor extractor;

  Site(int id, String jobName, ValuePath businessId, ValuePath total, RunExtractor extractor) {
    this.id = id;
    this.jobName = jobName;
    this.businessId = businessId;
    this.total = total;
    this.extractor = extractor;
  }

  public int id() {
    return id;
  }

  /** {@code binary.ClassName#method}. */
  public String jobName() {
    return jobName;
  }

  /** Where the business id comes from, or {@code null}. */
  public ValuePath businessId() {
    return businessId;
  }

  /** Where the item total comes from, or {@code null}. */
  public ValuePath total() {
    return total;
  }

  /** What a preset reads from the arguments (name, business id, attempt, progress), or {@code null}. */
  public RunExtractor extractor() {
    return extractor;
  }

  /** Whether the advice must hand over the arguments. */
  boolean needsArguments() {
    return businessId != null || total != null || extractor != null;
  }
}
