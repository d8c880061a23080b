package io.jobpulse.collector.store;

import java.util.List;

/**
 * The openings of the history details the state machine writes most, stored by their index in
 * {@link #PHRASES}: a run's history was a third of its record, mostly these words and its worker's
 * id, rewritten by every change of the run and by compaction after it.
 *
 * <p>The index is the stored format: append new phrases, never reorder or change one. A detail
 * that opens with none of them is stored whole, so a text changed in the state machine costs bytes,
 * never a wrong read.
 */
final class DetailPhrases {

  /** Index 0 is "no phrase": a stored index is always 1 or more. */
  private static final List<String> PHRASES = List.of(
      "",
      "announced by worker ",
      "started on worker ",
      "ended: completed",
      "ended: failed",
      "ended: abandoned",
      "enqueued on worker ",
      "listed by a heartbeat of worker ",
      "listed running by a heartbeat of worker ",
      "listed pending by a heartbeat of worker ",
      "listed again by a heartbeat of worker ");

  private DetailPhrases() {}

  /** The index of the longest phrase {@code detail} opens with, 0 for none. */
  static int longestOpening(String detail) {
    int best = 0;
    for (int i = 1; i < PHRASES.size(); i++) {
      String phrase = PHRASES.get(i);
      if (phrase.length() > PHRASES.get(best).length() && detail.startsWith(phrase)) {
        best = i;
      }
    }
    return best;
  }

  /** The phrase stored as {@code index} ("" for 0); one a newer collector added reads as its number. */
  static String phrase(int index) {
    return index >= 0 && index < PHRASES.size() ? PHRASES.get(index) : "[phrase " + index + "] ";
  }

  static int length(int index) {
    return PHRASES.get(index).length();
  }
}
