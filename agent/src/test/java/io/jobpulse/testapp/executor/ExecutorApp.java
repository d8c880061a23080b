package io.jobpulse.testapp.executor;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * An application whose jobs hand tasks to executors, driven line by line on standard input:
 * {@code enqueue}, {@code fanout}, {@code long}, {@code plumbing}, {@code release}, {@code exit}.
 */
public class ExecutorApp {

  public static void main(String[] args) throws Exception {
    BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
    ExecutorService single = Executors.newSingleThreadExecutor(r -> daemon(r, "single-worker"));
    ExecutorService pool = Executors.newFixedThreadPool(2, r -> daemon(r, "pool-worker"));
    CountDownLatch release = new CountDownLatch(1);
    Dispatch dispatch = new Dispatch(single, pool, release);
    System.out.println("ready");
    for (String line; (line = in.readLine()) != null; ) {
      switch (line) {
        case "enqueue":
          dispatch.enqueue();
          break;
        case "fanout":
          daemon(() -> {
            try {
              System.out.println("fanout " + dispatch.fanOut());
            } catch (Exception e) {
              System.out.println("fanout failed " + e);
            }
          }, "fanout").start();
          break;
        case "long":
          daemon(dispatch::longJob, "long").start();
          break;
        case "plumbing":
          for (int i = 0; i < 3; i++) {
            pool.submit(new Plumbing()).get();
          }
          break;
        case "release":
          release.countDown();
          break;
        case "exit":
          System.exit(0);
          break;
        default:
          throw new IllegalArgumentException(line);
      }
      System.out.println("done " + line);
    }
  }

  private static Thread daemon(Runnable runnable, String name) {
    Thread thread = new Thread(runnable, name);
    thread.setDaemon(true);
    return thread;
  }
}
