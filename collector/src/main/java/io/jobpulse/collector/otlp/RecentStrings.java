package io.jobpulse.collector.otlp;

/**
 * The strings a receiving thread decoded lately, by hash: a name, thread name or worker id decoded
 * again is answered with the copy already held, so that the runs in progress share one copy.
 *
 * <p>Why: every span decodes its run's name and thread anew, and a run keeps them while it is in
 * progress, for seconds to hours. 100,000 runs in progress held ~240 bytes each of such copies,
 * which the young collections copied and promoted (BENCHMARKS.md §3). One slot per hash, the newer
 * string taking it on a collision: a miss costs a copy held, never a wrong string. Not thread-safe:
 * one table per receiving thread.
 */
final class RecentStrings {

  private static final int SLOTS = 8192; // a power of two

  private static final ThreadLocal<RecentStrings> PER_THREAD = ThreadLocal.withInitial(RecentStrings::new);

  private final String[] slots = new String[SLOTS];

  private RecentStrings() {}

  /** The calling thread's table. */
  static RecentStrings ofThisThread() {
    return PER_THREAD.get();
  }

  /**
   * {@code decoded}, or an equal string decoded earlier. Its hash is computed here, on the
   * receiving thread, and the ingest thread's maps find it cached in the string.
   */
  String canonical(String decoded) {
    if (decoded == null) {
      return null;
    }
    int hash = decoded.hashCode();
    int slot = (hash ^ hash >>> 16) & (SLOTS - 1);
    String held = slots[slot];
    if (decoded.equals(held)) {
      return held;
    }
    slots[slot] = decoded;
    return decoded;
  }
}
