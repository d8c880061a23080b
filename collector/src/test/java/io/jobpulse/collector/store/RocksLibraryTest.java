package io.jobpulse.collector.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** RocksDB's extracted native library is gone from the disk once loaded, so a killed collector leaves nothing in /tmp. */
class RocksLibraryTest {

  @TempDir Path dir;

  @Test
  void theExtractedLibraryIsRemovedOnceMapped() throws Exception {
    Path maps = Path.of("/proc/self/maps");
    assumeTrue(Files.isReadable(maps), "Linux only");
    try (JobStore store = JobStore.open(dir)) {
      List<String> mapped;
      try (Stream<String> lines = Files.lines(maps)) {
        mapped = lines.filter(line -> line.contains("librocksdbjni")).toList();
      }
      assertTrue(!mapped.isEmpty(), "the library is loaded");
      assertTrue(mapped.stream().allMatch(line -> line.endsWith(" (deleted)")), String.join("\n", mapped));
      assertEquals(List.of(), RocksLibrary.extractedCopies());
    }
  }
}
