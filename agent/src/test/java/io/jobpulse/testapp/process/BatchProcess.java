package io.jobpulse.testapp.process;

/** A batch process a job starts: one job of its own, and what parent its environment names. */
public class BatchProcess {

  public static void main(String[] args) {
    int processed = new BatchProcess().processBatch(3);
    System.out.println("batch processed " + processed + " parent " + System.getenv("JOBPULSE_PARENT_JOB_ID"));
  }

  /** The batch's job. */
  public int processBatch(int rows) {
    int processed = 0;
    for (int i = 0; i < rows; i++) {
      processed++;
    }
    return processed;
  }
}
