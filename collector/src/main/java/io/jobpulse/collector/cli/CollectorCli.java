package io.jobpulse.collector.cli;

import java.io.PrintStream;
import java.util.Map;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code jobpulse-collector} command line: {@code serve} and the client verbs. */
@Command(name = "jobpulse-collector", mixinStandardHelpOptions = true,
    description = "JobPulse collector: flags the background jobs that died without saying so.",
    subcommands = {ServeCommand.class, ClientCommands.Status.class, ClientCommands.Stuck.class,
        ClientCommands.ResetStuck.class})
public final class CollectorCli implements Runnable {

  @CommandLine.Spec
  CommandLine.Model.CommandSpec spec;

  /** Runs {@code args}; returns the exit code. */
  public static int run(String[] args, Map<String, String> environment, PrintStream out) {
    CommandLine commandLine = new CommandLine(new CollectorCli(), new CommandLine.IFactory() {
      @Override
      public <K> K create(Class<K> type) throws Exception {
        if (type == ServeCommand.class) {
          return type.cast(new ServeCommand(environment, out));
        }
        K created = CommandLine.defaultFactory().create(type);
        if (created instanceof ClientCommands.Target target) {
          target.out = out;
          target.environment = environment;
        }
        return created;
      }
    });
    // Errors as one readable line, not a stack trace.
    commandLine.setExecutionExceptionHandler((e, cmd, parsed) -> {
      cmd.getErr().println("error: " + e.getMessage());
      return 1;
    });
    return commandLine.execute(args);
  }

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getOut());
  }
}
