package io.jobpulse.collector.store;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.rocksdb.RocksDB;

/**
 * Loads RocksDB's native library, then removes the copy rocksdbjni extracted to the temporary
 * directory. rocksdbjni removes it only when the JVM exits normally, so every collector killed or
 * crashed left 25 MB in {@code /tmp}: a container restarting in a loop fills its disk. A loaded
 * library stays mapped, so on Linux its file can go at once.
 */
final class RocksLibrary {

  private static final Path MAPS = Path.of("/proc/self/maps");

  static void load() {
    RocksDB.loadLibrary();
    if (!Files.isReadable(MAPS)) {
      return; // not Linux: rocksdbjni's delete-on-exit is all there is
    }
    try {
      for (Path extracted : extractedCopies()) {
        Files.deleteIfExists(extracted);
      }
    } catch (IOException e) {
      // Left in place, as rocksdbjni would have: removed on a normal exit.
    }
  }

  /** The libraries this process mapped from files rocksdbjni extracted to the temporary directory and still on disk. */
  static List<Path> extractedCopies() throws IOException {
    Path tmp = Path.of(System.getProperty("java.io.tmpdir")).toAbsolutePath().normalize();
    try (Stream<String> lines = Files.lines(MAPS)) {
      return lines
          .filter(line -> line.indexOf('/') >= 0 && !line.endsWith(" (deleted)"))
          .map(line -> Path.of(line.substring(line.indexOf('/'))))
          .filter(path -> tmp.equals(path.getParent()))
          .filter(path -> path.getFileName().toString().startsWith("librocksdbjni"))
          .distinct()
          .toList();
    }
  }

  private RocksLibrary() {}
}
