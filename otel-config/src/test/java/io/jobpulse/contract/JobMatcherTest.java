package io.jobpulse.contract;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class JobMatcherTest {

  @Test
  void parsesEveryForm() {
    List<JobMatcher> matchers =
        JobMatcher.parseList(
            "com.acme.Worker#run; com.acme.jobs.*#perform;com.acme..*#run;"
                + "implements:org.quartz.Job#execute;"
                + "annotated:org.springframework.scheduling.annotation.Scheduled;preset:quartz;;");
    assertEquals(6, matchers.size());
    assertEquals(JobMatcher.Kind.METHOD, matchers.get(0).kind());
    assertEquals("com.acme.Worker", matchers.get(0).typePattern());
    assertEquals("run", matchers.get(0).methodName());
    assertEquals("com.acme.jobs.*", matchers.get(1).typePattern());
    assertEquals(JobMatcher.Kind.IMPLEMENTS, matchers.get(3).kind());
    assertEquals("org.quartz.Job", matchers.get(3).typePattern());
    assertEquals("execute", matchers.get(3).methodName());
    assertEquals(JobMatcher.Kind.ANNOTATED, matchers.get(4).kind());
    assertNull(matchers.get(4).methodName());
    assertEquals(JobMatcher.Kind.PRESET, matchers.get(5).kind());
    assertEquals("quartz", matchers.get(5).typePattern());
  }

  @Test
  void parsesExtraction() {
    JobMatcher m = JobMatcher.parse("com.acme.Enricher#enrich(id=arg0.jobId, total=arg1.size)");
    assertEquals("enrich", m.methodName());
    assertEquals(0, m.businessId().argumentIndex());
    assertEquals(List.of("jobId"), m.businessId().properties());
    assertEquals(1, m.total().argumentIndex());
    assertEquals(List.of("size"), m.total().properties());
    assertEquals("arg1.size", m.total().toString());

    JobMatcher bare = JobMatcher.parse("com.acme.Worker#run(id=arg2)");
    assertEquals(2, bare.businessId().argumentIndex());
    assertTrue(bare.businessId().properties().isEmpty());
    assertNull(bare.total());
  }

  @Test
  void packagePatternsMatchTheRightClasses() {
    JobMatcher direct = JobMatcher.parse("com.acme.jobs.*#perform");
    assertTrue(direct.matchesTypeName("com.acme.jobs.Billing"));
    assertTrue(direct.matchesTypeName("com.acme.jobs.Billing$Inner"));
    assertFalse(direct.matchesTypeName("com.acme.jobs.sub.Billing"));
    assertFalse(direct.matchesTypeName("com.acme.jobsx.Billing"));

    JobMatcher deep = JobMatcher.parse("com.acme..*#run");
    assertTrue(deep.matchesTypeName("com.acme.Worker"));
    assertTrue(deep.matchesTypeName("com.acme.a.b.Worker"));
    assertFalse(deep.matchesTypeName("com.acmex.Worker"));

    JobMatcher exact = JobMatcher.parse("com.acme.Worker#run");
    assertTrue(exact.matchesTypeName("com.acme.Worker"));
    assertFalse(exact.matchesTypeName("com.acme.Worker2"));
    assertTrue(exact.matchesJobName("com.acme.Worker#run"));
    assertFalse(exact.matchesJobName("com.acme.Worker#stop"));
    assertTrue(deep.matchesJobName("com.acme.x.Y#run"));
  }

  @Test
  void rejectsMalformedEntriesWithTheReason() {
    assertTrue(assertThrows(IllegalArgumentException.class, () -> JobMatcher.parse("com.acme.Worker"))
        .getMessage().contains("expected Type#method"));
    assertTrue(assertThrows(IllegalArgumentException.class, () -> JobMatcher.parse("preset:nope"))
        .getMessage().contains("known presets"));
    assertTrue(assertThrows(IllegalArgumentException.class, () -> JobMatcher.parse("a.B#run(id=jobId)"))
        .getMessage().contains("arg0.jobId"));
    assertTrue(assertThrows(IllegalArgumentException.class, () -> JobMatcher.parse("a.B#run(size=arg0)"))
        .getMessage().contains("unknown extraction"));
    assertThrows(IllegalArgumentException.class, () -> JobMatcher.parse("a.B#run(id=arg0"));
    assertThrows(IllegalArgumentException.class, () -> JobMatcher.parse("a b.C#run"));
    assertThrows(IllegalArgumentException.class, () -> JobMatcher.parse("a.B#"));
    assertThrows(IllegalArgumentException.class, () -> JobMatcher.parse("preset:quartz(id=arg0)"));
  }
}
