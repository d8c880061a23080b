package io.jobpulse.collector.health;

import io.jobpulse.collector.api.Times;
import io.jobpulse.collector.state.ErrorClassifier;
import io.jobpulse.collector.state.FlagType;
import io.jobpulse.collector.state.JobStatus;
import io.jobpulse.collector.store.JobStore;
import io.jobpulse.collector.store.Keyspace;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.BiConsumer;

/**
 * Reads the last 24 hours of {@link HealthAggregator}'s buckets and merges them per job name:
 * one range scan of at most 24 × names small records, whatever the number of runs, and of the
 * journal of the changes made since the buckets were last written, which follows them in the same
 * keyspace: the scan reads both as of one moment, so a change is counted once, in a bucket or in
 * the journal.
 */
public final class HealthReport {

  static final int HOURS = 24;
  static final int TOP_ERRORS = 5;

  private final JobStore store;

  HealthReport(JobStore store) {
    this.store = store;
  }

  /**
   * Every job name active in the 24 hours up to {@code now}, by name.
   *
   * @param service only this {@code service.name}; {@code null} for all (a name run by several
   *     services is merged)
   */
  public List<JobHealth> lastDay(long now, String service) {
    long lastHour = BucketKey.hourOf(now);
    long firstHour = lastHour - HOURS + 1;
    Map<String, Merged> byName = new TreeMap<>();
    BiConsumer<BucketKey, HourBucket> add = (key, bucket) -> {
      if (key.hour() >= firstHour && key.hour() <= lastHour && (service == null || service.equals(key.service()))) {
        byName.computeIfAbsent(key.name(), name -> new Merged(name, firstHour)).add(key.hour(), bucket);
      }
    };
    HealthAggregator.JournalReader journal = new HealthAggregator.JournalReader();
    store.scan(Keyspace.HEALTH, BucketKey.startOf(firstHour), (key, value) -> {
      if (!journal.read(key, value, add)) {
        add.accept(BucketKey.decode(key), HourBucket.decode(value));
      }
      return true;
    });
    List<JobHealth> result = new ArrayList<>(byName.size());
    for (Merged merged : byName.values()) {
      result.add(merged.toHealth());
    }
    return result;
  }

  /** One name's buckets summed up. */
  private static final class Merged {
    final String name;
    final long firstHour;
    final Map<String, Long> counts = new LinkedHashMap<>();
    final Map<String, Long> categories = new LinkedHashMap<>();
    final Map<String, HourBucket.SignatureCount> errors = new TreeMap<>();
    final DurationHistogram durations = new DurationHistogram();
    final long[][] trend = new long[HOURS][3];

    Merged(String name, long firstHour) {
      this.name = name;
      this.firstHour = firstHour;
      for (JobStatus status : JobStatus.values()) {
        if (status.isTerminal()) {
          counts.put(status.name(), 0L);
        }
      }
      for (FlagType flag : FlagType.values()) {
        counts.putIfAbsent(flag.name(), 0L);
      }
      ErrorClassifier.CATEGORIES.forEach(category -> categories.put(category, 0L));
    }

    void add(long hour, HourBucket bucket) {
      bucket.forEachCount((label, n) -> counts.merge(label, n, Long::sum));
      bucket.categories.forEach((category, n) -> categories.merge(category, n, Long::sum));
      durations.addAll(bucket.durations);
      bucket.errors.forEach((signature, count) -> errors.merge(signature, count, (a, b) -> {
        HourBucket.SignatureCount sum = new HourBucket.SignatureCount();
        sum.type = a.type != null ? a.type : b.type;
        sum.count = a.count + b.count;
        sum.lastSeenAt = Math.max(a.lastSeenAt, b.lastSeenAt);
        return sum;
      }));
      long[] slot = trend[(int) (hour - firstHour)];
      slot[0] += bucket.completed;
      slot[1] += bucket.failed;
      slot[2] += bucket.flagged;
    }

    JobHealth toHealth() {
      long completed = counts.get(JobStatus.COMPLETED.name());
      long crashedOrLost = counts.get(JobStatus.CRASHED.name()) + counts.get(JobStatus.LOST.name());
      long ended = completed + counts.get(JobStatus.FAILED.name()) + crashedOrLost
          + counts.get(JobStatus.ABANDONED.name());
      long liveFlags = 0;
      for (FlagType flag : FlagType.values()) {
        if (!flag.endsRun()) {
          liveFlags += counts.getOrDefault(flag.name(), 0L);
        }
      }
      List<JobHealth.TopError> top = errors.entrySet().stream()
          .sorted(Comparator.comparingLong((Map.Entry<String, HourBucket.SignatureCount> e) -> e.getValue().count)
              .reversed().thenComparing(Map.Entry::getKey))
          .limit(TOP_ERRORS)
          .map(e -> new JobHealth.TopError(e.getKey(), e.getValue().type, e.getValue().count,
              Times.format(e.getValue().lastSeenAt)))
          .toList();
      List<JobHealth.Hour> hours = new ArrayList<>(HOURS);
      for (int i = 0; i < HOURS; i++) {
        hours.add(new JobHealth.Hour(Times.format((firstHour + i) * BucketKey.HOUR_MS), trend[i][0], trend[i][1],
            trend[i][2]));
      }
      return new JobHealth(name, HealthScore.of(completed, ended, crashedOrLost, liveFlags), counts,
          new JobHealth.Durations(durations.quantile(0.5), durations.quantile(0.95)),
          categories, top, hours);
    }
  }
}
