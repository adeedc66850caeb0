package io.alexnet.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ScopeType;

/** The {@code alexnet} command: one subcommand per job. */
@Command(
    name = "alexnet",
    mixinStandardHelpOptions = true,
    version = "alexnet 0.1.0 (TensorFlow Java 1.1.0)",
    description = "AlexNet (Krizhevsky et al. 2012) on TensorFlow Java.",
    subcommands = {QuickstartCommand.class, TrainCommand.class, EvalCommand.class,
        ExportCommand.class, ImportCommand.class, PredictCommand.class, FeaturesCommand.class,
        ReportCommand.class,
        SimilarCommand.class, SparkCommand.class, InspectCommand.class, BenchCommand.class,
        SummaryCommand.class, DevicesCommand.class,
        CommandLine.HelpCommand.class})
public final class Main implements Runnable {

  /**
   * Accepted by every command. The launcher reads it before Java starts: TensorFlow's own INFO
   * and WARNING lines are shown. Here it adds the stack trace to a failure's one line.
   */
  @Option(names = "--verbose", scope = ScopeType.INHERIT,
      description = "Show TensorFlow's own log lines, and a failure's stack trace.")
  boolean verbose;

  @Override
  public void run() {
    new CommandLine(this).usage(System.out);
  }

  public static void main(String[] args) {
    System.setProperty("java.awt.headless", "true");
    // Progress lines must reach a pipe or a log file as they happen, not when a buffer fills.
    System.setOut(new java.io.PrintStream(
        new java.io.FileOutputStream(java.io.FileDescriptor.out), true,
        java.nio.charset.StandardCharsets.UTF_8));
    System.exit(run(args));
  }

  /** Runs the command line and returns its exit code (tests call this). */
  public static int run(String... args) {
    CommandLine cli = new CommandLine(new Main());
    cli.setExecutionExceptionHandler(
        (e, cmd, parsed) -> {
          // Expected failures (bad flags, bad paths, unreadable files) get one line, not a
          // stack trace.
          if (e instanceof IllegalArgumentException || e instanceof IllegalStateException
              || e instanceof io.alexnet.api.AlexNetException
              || e instanceof java.io.IOException || e instanceof java.io.UncheckedIOException) {
            cmd.getErr().println("alexnet " + cmd.getCommandName() + ": " + e.getMessage());
            if (((Main) cmd.getCommandSpec().root().userObject()).verbose) {
              e.printStackTrace(cmd.getErr());
            }
            return 2;
          }
          throw e;
        });
    return cli.execute(args);
  }
}
