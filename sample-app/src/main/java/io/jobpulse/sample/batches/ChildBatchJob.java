package io.jobpulse.sample.batches;

/**
 * Annotates a child batch's documents one by one (crashed-child-batches.md). What happens at the
 * malformed document depends on the parser: the Java one throws; the native one, which the child
 * processes use, never comes back from it (the incident's segfault is a {@code kill -9} away).
 */
public final class ChildBatchJob {

  /** How the malformed document defeats the annotation parser. */
  public enum Parser {
    /** Throws {@link IllegalStateException}: the batch fails. */
    JAVA,
    /** Loops for ever inside the parser, until the process is killed. */
    NATIVE
  }

  private final Parser parser;

  public ChildBatchJob(Parser parser) {
    this.parser = parser;
  }

  /** Returns the number of documents annotated. */
  public int process(ChildBatch batch) throws InterruptedException {
    for (int document = 1; document <= batch.documents(); document++) {
      if (document == batch.badDocument()) {
        parseMalformed(batch, document);
      }
      annotate(batch, document);
    }
    return batch.documents();
  }

  void annotate(ChildBatch batch, int document) throws InterruptedException {
    // Stands for parsing the document and storing its annotations.
    Thread.sleep(batch.delayMs());
  }

  private void parseMalformed(ChildBatch batch, int document) throws InterruptedException {
    if (parser == Parser.JAVA) {
      throw new IllegalStateException(
          "malformed annotation in document " + document + " of batch " + batch.id());
    }
    Object never = new Object();
    synchronized (never) {
      never.wait();
    }
  }
}
