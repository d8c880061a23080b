package io.jobpulse.sample.batches;

import java.util.concurrent.Callable;

/** A child batch as a task for the parent's executor: the Java parser, in-process. */
final class ChildBatchTask implements Callable<Integer> {

  private final ChildBatch batch;

  ChildBatchTask(ChildBatch batch) {
    this.batch = batch;
  }

  @Override
  public Integer call() throws InterruptedException {
    return new ChildBatchJob(ChildBatchJob.Parser.JAVA).process(batch);
  }
}
