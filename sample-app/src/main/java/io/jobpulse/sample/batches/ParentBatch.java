package io.jobpulse.sample.batches;

/**
 * A parent batch fanned out into {@code children} child batches, at most {@code parallel} at a
 * time, in threads of this JVM or in child JVMs; child {@code crashIndex} (1-based, 0 for none)
 * holds the malformed document.
 */
public record ParentBatch(
    String id, int children, int crashIndex, int documents, long delayMs, int parallel, Mode mode) {

  /** Where the child batches run. */
  public enum Mode {
    THREADS,
    PROCESSES
  }

  ChildBatch child(int index) {
    // The malformed document sits in the middle of its batch: the child has made progress first.
    int bad = index == crashIndex ? Math.max(1, documents / 2) : 0;
    return new ChildBatch(id, index, documents, delayMs, bad);
  }
}
