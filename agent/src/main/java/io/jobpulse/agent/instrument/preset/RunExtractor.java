package io.jobpulse.agent.instrument.preset;

/**
 * What a preset knows about one run of its library's job method, read from the method's
 * arguments. Called on the reporter thread, once per run, never on the application's thread: it
 * may use reflection. Implementations never throw for an argument they cannot read: they leave
 * that fact out.
 */
public interface RunExtractor {

  /** The run's name, business id, attempt and progress, as far as {@code arguments} tell. */
  RunFacts extract(Object[] arguments, PropertyReader properties);

  /**
   * The exception to report for a run that threw {@code thrown}: the one the library itself would
   * show as the job's failure (a reflective invocation's wrapper is not the job's exception).
   */
  default Throwable failure(Throwable thrown) {
    return thrown;
  }
}
