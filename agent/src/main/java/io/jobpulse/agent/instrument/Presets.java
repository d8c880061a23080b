package io.jobpulse.agent.instrument;

import io.jobpulse.agent.instrument.executor.ExecutorInstrumentation;
import io.jobpulse.agent.instrument.preset.DbSchedulerPreset;
import io.jobpulse.agent.instrument.preset.JobRunrPreset;
import io.jobpulse.agent.instrument.preset.LibraryPreset;
import io.jobpulse.agent.instrument.preset.QuartzPreset;
import io.jobpulse.agent.instrument.preset.SpringScheduledPreset;
import io.jobpulse.agent.log.AgentLog;
import io.jobpulse.contract.JobMatcher;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * What each {@code preset:} stands for. A library's preset applies only where a class loader sees
 * that library (and a version of it the preset knows): {@code preset:auto}, the default, is all of
 * them.
 */
final class Presets {

  /** The library presets {@code preset:auto} stands for, in the order they are logged. */
  static final List<String> AUTO = List.of("quartz", "spring-scheduled", "db-scheduler", "jobrunr");

  /** Selectors of {@code matchers}, each preset replaced by its libraries' selectors (once each). */
  static List<MethodSelector> selectors(List<JobMatcher> matchers) {
    List<MethodSelector> selectors = new ArrayList<>();
    Set<String> added = new LinkedHashSet<>();
    for (JobMatcher matcher : matchers) {
      if (matcher.kind() != JobMatcher.Kind.PRESET) {
        selectors.add(MethodSelector.of(matcher));
        continue;
      }
      List<String> names = matcher.typePattern().equals("auto") ? AUTO : List.of(matcher.typePattern());
      for (String name : names) {
        LibraryPreset preset = library(name);
        if (preset == null && name.equals(ExecutorInstrumentation.PRESET)) {
          continue; // no job methods: Startup instruments the JDK's executors for it
        }
        if (preset == null) {
          AgentLog.warnOnce("preset:" + name, "preset '" + matcher + "' is not supported by this agent yet; ignored (name the job methods instead)");
        } else if (added.add(name)) {
          selectors.add(MethodSelector.of(matcher, preset));
        }
      }
    }
    return Collections.unmodifiableList(selectors);
  }

  /**
   * Says at start which presets apply to the application's class path; the others say so
   * themselves when a class loader holding their library first shows up (an application server's,
   * a fat jar's).
   */
  static void logAtStart(List<MethodSelector> selectors, ClassLoader applicationLoader) {
    List<String> waiting = new ArrayList<>();
    for (MethodSelector selector : selectors) {
      LibraryPreset preset = selector.preset();
      if (preset != null && !preset.appliesTo(applicationLoader)) {
        waiting.add(preset.name());
      }
    }
    if (!waiting.isEmpty()) {
      AgentLog.info("preset:" + String.join(", preset:", waiting) + " not applied at start: the library is not on the class path"
          + " (applied if a class loader holding it shows up)");
    }
  }

  private static LibraryPreset library(String name) {
    switch (name) {
      case "quartz":
        return new QuartzPreset();
      case "spring-scheduled":
        return new SpringScheduledPreset();
      case "db-scheduler":
        return new DbSchedulerPreset();
      case "jobrunr":
        return new JobRunrPreset();
      default:
        return null;
    }
  }

  private Presets() {}
}
