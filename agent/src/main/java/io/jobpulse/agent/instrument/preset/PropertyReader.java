package io.jobpulse.agent.instrument.preset;

import io.jobpulse.contract.ValuePath;

/**
 * Reads a {@link ValuePath} from a run's arguments (getter, no-argument method or field, as {@code
 * jobpulse.jobs} extractions do). Handed to a {@link RunExtractor} by the reporter, whose reader
 * caches what it finds; {@code null} when the value is null or cannot be read.
 */
public interface PropertyReader {

  Object read(ValuePath path, Object[] arguments);
}
