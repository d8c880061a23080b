package io.jobpulse.testapp.load;

/** An argument whose id getter throws: the application never calls it, the agent's extraction does. */
public class Order {

  private final int amount;

  public Order(int amount) {
    this.amount = amount;
  }

  public int amount() {
    return amount;
  }

  public String getId() {
    throw new IllegalStateException("order has no id yet");
  }
}
