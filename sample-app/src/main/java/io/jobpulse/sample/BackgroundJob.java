package io.jobpulse.sample;

/** A unit of background work; returns the line the worker prints when it is done. */
@FunctionalInterface
interface BackgroundJob {
  String run() throws Exception;
}
