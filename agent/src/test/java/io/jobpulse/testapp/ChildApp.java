package io.jobpulse.testapp;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * An ordinary application run as a child JVM by the agent's end-to-end tests, with or without
 * the agent: its output must be the same either way.
 */
public class ChildApp {

  public static void main(String[] args) throws Exception {
    BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
    Jobs jobs = new Jobs(in);
    switch (args[0]) {
      case "plain":
        plain(jobs);
        System.exit(3);
        break;
      case "full":
        plain(jobs);
        System.out.println("long returned " + jobs.longRun(new Batch("order-7", Arrays.asList("a", "b", "c"))));
        Thread hanger = new Thread(jobs::hang, "hanger");
        hanger.setDaemon(true);
        hanger.start();
        System.out.println("hanging");
        System.out.println("exit on " + in.readLine());
        System.exit(0);
        break;
      case "wait":
        System.out.println("ready");
        System.out.println("exit on " + in.readLine());
        break;
      default:
        throw new IllegalArgumentException(args[0]);
    }
  }

  private static void plain(Jobs jobs) throws Exception {
    int sum = 0;
    for (int i = 0; i < 3; i++) {
      sum += jobs.quick(i);
    }
    System.out.println("sum " + sum);
    new InheritedWorker().perform("x");
    try {
      jobs.explode("42");
    } catch (IllegalStateException e) {
      System.out.println("caught " + e.getClass().getName() + ": " + e.getMessage());
    }
  }
}
