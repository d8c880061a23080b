package io.jobpulse.testapp.process;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;

/**
 * An application whose jobs start batch processes and wait for them: {@code main}'s arguments are
 * the batch process's command line. It knows nothing of JobPulse.
 */
public class Launcher {

  private final List<String> batchCommand;

  public Launcher(List<String> batchCommand) {
    this.batchCommand = batchCommand;
  }

  public static void main(String[] args) throws Exception {
    Launcher launcher = new Launcher(Arrays.asList(args));
    System.out.println("builder: " + launcher.launch());
    System.out.println("exec: " + launcher.launchExec());
    ProcessBuilder shared = new ProcessBuilder(launcher.batchCommand).redirectErrorStream(true);
    System.out.println("shared in a job: " + launcher.launchWith(shared));
    System.out.println("shared outside: " + output(shared.start()));
  }

  /** A job: one batch process through a ProcessBuilder. */
  public String launch() throws IOException, InterruptedException {
    return output(new ProcessBuilder(batchCommand).redirectErrorStream(true).start());
  }

  /** A job: one batch process through Runtime.exec. */
  public String launchExec() throws IOException, InterruptedException {
    return output(Runtime.getRuntime().exec(batchCommand.toArray(new String[0])));
  }

  /** A job: one batch process through the application's own (reused) builder. */
  public String launchWith(ProcessBuilder builder) throws IOException, InterruptedException {
    return output(builder.start());
  }

  private static String output(Process process) throws IOException, InterruptedException {
    byte[] out = process.getInputStream().readAllBytes();
    process.waitFor();
    // The batch's stdout, without the agent's lines on its stderr.
    StringBuilder lines = new StringBuilder();
    for (String line : new String(out, StandardCharsets.UTF_8).split("\n")) {
      if (line.startsWith("batch ")) {
        lines.append(line.trim());
      }
    }
    return lines + " exit " + process.exitValue();
  }
}
