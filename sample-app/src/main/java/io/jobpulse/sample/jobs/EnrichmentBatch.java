package io.jobpulse.sample.jobs;

import java.util.ArrayList;
import java.util.List;

/**
 * A batch of firms to enrich, as a job queue would hand it to a worker. Offers both accessor
 * styles ({@code batchId()} and {@code getBatchId()}) because real job payloads come in both.
 */
public record EnrichmentBatch(String batchId, List<Firm> firms) {

  public EnrichmentBatch {
    firms = List.copyOf(firms);
  }

  /** A batch of {@code count} firms named {@code firm-0001}, {@code firm-0002}, ... */
  public static EnrichmentBatch of(String batchId, int count) {
    List<Firm> firms = new ArrayList<>(count);
    for (int i = 1; i <= count; i++) {
      firms.add(new Firm(i, String.format("firm-%04d", i)));
    }
    return new EnrichmentBatch(batchId, firms);
  }

  public String getBatchId() {
    return batchId;
  }
}
