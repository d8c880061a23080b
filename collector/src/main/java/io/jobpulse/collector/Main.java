package io.jobpulse.collector;

import io.jobpulse.collector.cli.CollectorCli;

/** {@code java -jar jobpulse-collector.jar serve|status|stuck|reset-stuck ...}. */
public final class Main {

  public static void main(String[] args) {
    System.exit(CollectorCli.run(args, System.getenv(), System.out));
  }

  private Main() {}
}
