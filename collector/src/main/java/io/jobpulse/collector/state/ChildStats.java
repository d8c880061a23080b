package io.jobpulse.collector.state;

import com.fasterxml.jackson.annotation.JsonIgnore;
import java.util.ArrayList;
import java.util.List;

/**
 * How many children of one parent run are in each status, and which crashed. Kept up to date change
 * by change (a parent may have thousands of children: never counted by scanning them). Immutable.
 *
 * @param crashedChildren the ids of the children whose status is {@code CRASHED}, oldest first, at
 *     most {@link #MAX_CRASHED_IDS} (the count is exact beyond that)
 */
public record ChildStats(
    long pending, long running, long completed, long failed, long crashed, long lost, long abandoned,
    List<String> crashedChildren) {

  /** Bounds the record's size when a whole batch of children crashes. */
  public static final int MAX_CRASHED_IDS = 100;

  public static final ChildStats NONE = new ChildStats(0, 0, 0, 0, 0, 0, 0, List.of());

  public ChildStats {
    crashedChildren = crashedChildren == null ? List.of() : List.copyOf(crashedChildren);
  }

  @JsonIgnore
  public long total() {
    return pending + running + completed + failed + crashed + lost + abandoned;
  }

  // counts[] follows JobStatus's declaration order.
  /** These counts after child {@code childId} moved from {@code from} ({@code null}: new) to {@code to} ({@code null}: gone). */
  ChildStats moved(String childId, JobStatus from, JobStatus to) {
    long[] counts = {pending, running, completed, failed, crashed, lost, abandoned};
    if (from != null) {
      counts[from.ordinal()] = Math.max(0, counts[from.ordinal()] - 1);
    }
    if (to != null) {
      counts[to.ordinal()]++;
    }
    List<String> crashedIds = new ArrayList<>(crashedChildren);
    if (from == JobStatus.CRASHED) {
      crashedIds.remove(childId);
    }
    if (to == JobStatus.CRASHED && crashedIds.size() < MAX_CRASHED_IDS && !crashedIds.contains(childId)) {
      crashedIds.add(childId);
    }
    return new ChildStats(counts[0], counts[1], counts[2], counts[3], counts[4], counts[5], counts[6], crashedIds);
  }
}
