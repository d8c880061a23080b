package io.jobpulse.agent.instrument;

import io.jobpulse.agent.instrument.preset.RunExtractor;
import io.jobpulse.contract.ValuePath;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;

/**
 * Every instrumented job method, by the site id baked into its advice. Written when classes are
 * instrumented (rarely, under a lock), read by the reporter without one.
 */
public final class SiteTable {

  private final Map<String, Site> byKey = new HashMap<>();
  /** Copy-on-grow; a reader sees every site registered before the volatile write it reads. */
  private volatile Site[] sites = new Site[64];
  private int size;

  /** The site of {@code jobName} with this extraction, registered on first use. */
  public Site register(String jobName, ValuePath businessId, ValuePath total) {
    return register(jobName, businessId, total, null);
  }

  /** The site of {@code jobName} with this extraction and preset extractor, registered on first use. */
  public synchronized Site register(String jobName, ValuePath businessId, ValuePath total, RunExtractor extractor) {
    String key = jobName + '|' + businessId + '|' + total + '|' + (extractor == null ? "" : extractor.getClass().getName());
    Site site = byKey.get(key);
    if (site == null) {
      site = new Site(size, jobName, businessId, total, extractor);
      Site[] array = size == sites.length ? Arrays.copyOf(sites, size * 2) : sites;
      array[size++] = site;
      byKey.put(key, site);
      sites = array;
    }
    return site;
  }

  /** The site with this id, or {@code null} when no such site was registered. */
  public Site get(int id) {
    Site[] array = sites;
    return id >= 0 && id < array.length ? array[id] : null;
  }
}
