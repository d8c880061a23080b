package io.jobpulse.sample.batches;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

/**
 * Starts a child batch as a JVM of its own: this JVM's {@code java} and class path, the {@code
 * child-batch} scenario of {@code mainClass}. The child inherits the environment (and so whatever
 * {@code JAVA_TOOL_OPTIONS} the operators set); its stdout is dropped, its stderr joins ours.
 */
public final class ChildLauncher {

  private final String mainClass;

  public ChildLauncher(String mainClass) {
    this.mainClass = mainClass;
  }

  Process start(ChildBatch batch) throws IOException {
    List<String> command =
        List.of(
            Path.of(System.getProperty("java.home"), "bin", "java").toString(),
            "-cp", System.getProperty("java.class.path"),
            mainClass, "child-batch",
            "--parent", batch.parentId(),
            "--index", Integer.toString(batch.index()),
            "--documents", Integer.toString(batch.documents()),
            "--delay-ms", Long.toString(batch.delayMs()),
            "--bad-document", Integer.toString(batch.badDocument()));
    return new ProcessBuilder(command)
        .redirectOutput(ProcessBuilder.Redirect.DISCARD)
        .redirectError(ProcessBuilder.Redirect.INHERIT)
        .start();
  }
}
