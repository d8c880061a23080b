package io.jobpulse.agent.instrument;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;

import io.jobpulse.contract.ValuePath;
import org.junit.jupiter.api.Test;

class SiteTableTest {

  @Test
  void sitesGetDenseIdsAndAreRegisteredOnce() {
    SiteTable table = new SiteTable();
    for (int i = 0; i < 200; i++) {
      assertEquals(i, table.register("a.B#m" + i, null, null).id());
    }
    Site withPath = table.register("a.B#m0", ValuePath.parse("arg0.id"), null);
    assertEquals(200, withPath.id());
    assertSame(withPath, table.register("a.B#m0", ValuePath.parse("arg0.id"), null));
    assertEquals("a.B#m150", table.get(150).jobName());
    assertNull(table.get(201));
    assertNull(table.get(-1));
  }
}
