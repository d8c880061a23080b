package io.jobpulse.agent.instrument;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jobpulse.agent.instrument.preset.DbSchedulerPreset;
import io.jobpulse.agent.instrument.preset.LibraryPreset;
import io.jobpulse.contract.JobMatcher;
import io.jobpulse.testapp.Reports;
import io.jobpulse.testapp.spring.ScheduledJobs;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Collectors;
import net.bytebuddy.ByteBuddy;
import net.bytebuddy.description.method.MethodDescription;
import net.bytebuddy.description.modifier.Visibility;
import net.bytebuddy.description.type.TypeDescription;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The library presets against the real libraries (test dependencies), through the agent's matchers. */
class PresetsTest {

  private static final ClassLoader LOADER = PresetsTest.class.getClassLoader();

  private static List<String> presetNames(String matchers) {
    return Instrumenter.selectors(JobMatcher.parseList(matchers)).stream()
        .map(s -> s.preset() == null ? s.matcher().toString() : s.preset().name())
        .collect(Collectors.toList());
  }

  /** The methods of {@code type} the preset's selector instruments ("" when none). */
  private static List<String> selected(String preset, Class<?> type) {
    MethodSelector selector = Instrumenter.selectors(List.of(JobMatcher.parse("preset:" + preset))).get(0);
    TypeDescription description = TypeDescription.ForLoadedType.of(type);
    if (!selector.matchesType(description, type.getClassLoader())) {
      return List.of();
    }
    return description.getDeclaredMethods().stream()
        .filter(selector::matchesMethod)
        .map(MethodDescription::getName)
        .sorted()
        .collect(Collectors.toList());
  }

  @Test
  void autoStandsForEveryLibraryPresetOnceAndAddsToExplicitMatchers() {
    assertEquals(List.of("quartz", "spring-scheduled", "db-scheduler", "jobrunr"), presetNames("preset:auto;preset:quartz"));
    assertEquals(List.of("quartz", "spring-scheduled", "db-scheduler", "jobrunr", "com.acme.Foo#bar"), presetNames("preset:auto;com.acme.Foo#bar"));
    assertEquals(List.of("jobrunr"), presetNames("preset:jobrunr"));
  }

  @Test
  void dbSchedulerRunsEveryTasksExecutionHandlerButNotWhatItCalls() {
    assertEquals(List.of("execute"), selected("db-scheduler", com.github.kagkarlsson.scheduler.task.helper.OneTimeTask.class));
    assertEquals(List.of("execute"), selected("db-scheduler", com.github.kagkarlsson.scheduler.task.helper.RecurringTask.class));
    assertEquals(List.of(), selected("db-scheduler", com.github.kagkarlsson.scheduler.task.helper.CustomTask.class)); // abstract
    assertEquals(List.of(), selected("db-scheduler", com.github.kagkarlsson.scheduler.Scheduler.class));
  }

  @Test
  void jobRunrRunsEveryBackgroundJobThroughItsRunnerSpi() {
    assertEquals(List.of("run"), selected("jobrunr", org.jobrunr.server.runner.AbstractBackgroundJobRunner.class));
    assertEquals(List.of(), selected("jobrunr", org.jobrunr.server.BackgroundJobPerformer.class));
  }

  @Test
  void quartzAndSpringKeepTheirMethods() {
    assertEquals(List.of("execute"), selected("quartz", io.jobpulse.testapp.quartz.ReportJob.class));
    assertEquals(List.of("nightlyReport", "purgeCache"), selected("spring-scheduled", ScheduledJobs.class));
    assertEquals(List.of(), selected("spring-scheduled", Reports.class));
  }

  @Test
  void aPresetAppliesOnlyWhereItsLibraryIs() {
    LibraryPreset preset = new DbSchedulerPreset();
    assertTrue(preset.appliesTo(LOADER));
    assertFalse(preset.appliesTo(ClassLoader.getPlatformClassLoader()));
    assertFalse(preset.appliesTo(null));
  }

  /** A copy of db-scheduler whose ExecutionHandler has another shape: skipped, said once, nothing instrumented. */
  @Test
  void aLibraryVersionThePresetDoesNotKnowIsSkippedWithOneLogLine(@TempDir Path dir) throws Exception {
    new ByteBuddy().makeInterface()
        .name("com.github.kagkarlsson.scheduler.task.ExecutionHandler")
        .defineMethod("handle", void.class, Visibility.PUBLIC).withParameters(Object.class).withoutCode()
        .make()
        .saveIn(dir.toFile());
    PrintStream err = System.err;
    ByteArrayOutputStream said = new ByteArrayOutputStream();
    try (URLClassLoader otherVersion = new URLClassLoader(new URL[] {dir.toUri().toURL()}, null)) {
      System.setErr(new PrintStream(said, true, StandardCharsets.UTF_8));
      LibraryPreset preset = new DbSchedulerPreset();
      assertFalse(preset.appliesTo(otherVersion));
      assertFalse(preset.appliesTo(otherVersion));
    } finally {
      System.setErr(err);
    }
    String log = said.toString(StandardCharsets.UTF_8);
    assertTrue(log.contains("preset:db-scheduler skipped"), log);
    assertTrue(log.contains("ExecutionHandler#execute(TaskInstance, ExecutionContext)"), log);
    assertEquals(log.indexOf("[jobpulse]"), log.lastIndexOf("[jobpulse]"), "said once: " + log);
  }

  @Test
  void onlyLibraryPresetsCarryAnExtractor() {
    MethodSelector spring = Instrumenter.selectors(List.of(JobMatcher.parse("preset:spring-scheduled"))).get(0);
    assertNull(spring.extractor());
    MethodSelector user = Instrumenter.selectors(List.of(JobMatcher.parse("com.acme.Foo#bar(id=arg0)"))).get(0);
    assertNull(user.extractor());
  }
}
