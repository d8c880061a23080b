package io.jobpulse.sample.batches;

/**
 * One child batch of a parent batch: documents {@code 1..documents}, each taking {@code
 * delayMs} to annotate; {@code badDocument} (0 for none) is the one with a malformed annotation.
 * Its {@code id}, {@code <parent id>/<index>}, is what the parent and the operators call it.
 */
public record ChildBatch(String parentId, int index, int documents, long delayMs, int badDocument) {

  public String id() {
    return parentId + "/" + index;
  }
}
