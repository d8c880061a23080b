package io.jobpulse.agent.instrument;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jobpulse.contract.JobMatcher;
import io.jobpulse.testapp.AbstractWorker;
import io.jobpulse.testapp.InheritedWorker;
import io.jobpulse.testapp.Jobs;
import io.jobpulse.testapp.Reports;
import io.jobpulse.testapp.Worker;
import io.jobpulse.testapp.deep.Cleanup;
import java.util.List;
import java.util.stream.Collectors;
import net.bytebuddy.description.method.MethodDescription;
import net.bytebuddy.description.type.TypeDescription;
import org.junit.jupiter.api.Test;

/** Each matcher form against real classes, through the Byte Buddy matchers the agent installs. */
class MethodSelectorTest {

  private static final ClassLoader LOADER = MethodSelectorTest.class.getClassLoader();

  /** The names of the methods of {@code type} that {@code matcher} selects ("" when the type is not selected). */
  private static List<String> selected(String matcher, Class<?> type) {
    MethodSelector selector = MethodSelector.of(JobMatcher.parse(matcher));
    TypeDescription description = TypeDescription.ForLoadedType.of(type);
    if (!selector.matchesType(description, LOADER)) {
      return List.of();
    }
    return description.getDeclaredMethods().stream()
        .filter(selector::matchesMethod)
        .map(MethodDescription::getName)
        .sorted()
        .collect(Collectors.toList());
  }

  @Test
  void exactClassAndMethod() {
    assertEquals(List.of("run"), selected("io.jobpulse.testapp.Reports#run", Reports.class));
    assertEquals(List.of(), selected("io.jobpulse.testapp.Reports#run", Cleanup.class));
    assertEquals(List.of(), selected("io.jobpulse.testapp.Reports#missing", Reports.class));
  }

  @Test
  void packageWildcardTakesClassesDirectlyInThePackage() {
    assertEquals(List.of("run"), selected("io.jobpulse.testapp.*#run", Reports.class));
    assertEquals(List.of(), selected("io.jobpulse.testapp.*#run", Cleanup.class));
  }

  @Test
  void subPackageWildcardTakesTheWholeTree() {
    assertEquals(List.of("run"), selected("io.jobpulse.testapp..*#run", Reports.class));
    assertEquals(List.of("run"), selected("io.jobpulse.testapp..*#run", Cleanup.class));
    assertEquals(List.of(), selected("io.jobpulse..*#run", String.class));
  }

  @Test
  void implementsReachesImplementationsThroughSuperclassesButNotAbstractMethods() {
    assertEquals(List.of("perform"), selected("implements:io.jobpulse.testapp.Worker#perform", InheritedWorker.class));
    assertEquals(List.of(), selected("implements:io.jobpulse.testapp.Worker#perform", AbstractWorker.class));
    assertEquals(List.of(), selected("implements:io.jobpulse.testapp.Worker#perform", Worker.class));
    assertEquals(List.of(), selected("implements:io.jobpulse.testapp.Worker#perform", Reports.class));
    assertEquals(List.of("describe"), selected("implements:io.jobpulse.testapp.AbstractWorker#describe", AbstractWorker.class));
  }

  @Test
  void implementsNeedsALoaderThatSeesTheType() {
    MethodSelector selector = MethodSelector.of(JobMatcher.parse("implements:org.quartz.Job#execute"));
    assertFalse(selector.matchesType(TypeDescription.ForLoadedType.of(Reports.class), LOADER));
  }

  @Test
  void annotatedTakesTheMethodsCarryingTheAnnotation() {
    assertEquals(List.of("nightly"), selected("annotated:io.jobpulse.testapp.JobMarker", Reports.class));
    assertEquals(List.of(), selected("annotated:io.jobpulse.testapp.JobMarker", Jobs.class));
  }

  @Test
  void theAgentIgnoresTheJdkAndItself() {
    assertTrue(Instrumenter.ignored().matches(TypeDescription.ForLoadedType.of(String.class)));
    assertTrue(Instrumenter.ignored().matches(TypeDescription.ForLoadedType.of(MethodSelector.class)));
    assertFalse(Instrumenter.ignored().matches(TypeDescription.ForLoadedType.of(Reports.class)));
  }
}
