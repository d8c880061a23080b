package io.jobpulse.testapp;

import java.io.BufferedReader;
import java.io.IOException;
import java.util.concurrent.CountDownLatch;

/**
 * The application's job methods. They know nothing of JobPulse; the slow ones wait for a line on
 * standard input, so the test decides when they end.
 */
public class Jobs {
  private final BufferedReader commands;
  private final CountDownLatch never = new CountDownLatch(1);

  public Jobs(BufferedReader commands) {
    this.commands = commands;
  }

  public int quick(int x) {
    return x * 2;
  }

  public void explode(String why) {
    throw new IllegalStateException("boom " + why);
  }

  public int longRun(Batch batch) throws IOException {
    int processed = 0;
    for (String item : batch.items()) {
      item(item);
      processed++;
      if (processed == 2) {
        child();
      }
    }
    return processed;
  }

  public void item(String item) {
    System.out.println("item " + item);
  }

  public void child() throws IOException {
    System.out.println("child waiting");
    System.out.println("child got " + commands.readLine());
  }

  /** Never ends by itself: the JVM's exit abandons it. */
  public void hang() {
    try {
      never.await();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
