package io.jobpulse.testapp;

import java.util.List;

/** A job's argument: the agent takes the business id and the item total from it. */
public class Batch {
  private final String id;
  private final List<String> items;

  public Batch(String id, List<String> items) {
    this.id = id;
    this.items = items;
  }

  public String getId() {
    return id;
  }

  public List<String> items() {
    return items;
  }
}
