package io.jobpulse.testapp;

/** A job type that others implement, directly or through a superclass. */
public interface Worker {
  void perform(String input) throws Exception;
}
