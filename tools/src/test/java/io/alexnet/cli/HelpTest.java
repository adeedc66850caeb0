package io.alexnet.cli;

import static io.alexnet.cli.SummaryCommandTest.cli;
import static org.junit.jupiter.api.Assertions.*;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** --help on every command prints its usage, and picocli has nothing to warn about. */
class HelpTest {

  static List<String> commands() {
    List<String> names = new ArrayList<>(new CommandLine(new Main()).getSubcommands().keySet());
    names.remove("help");
    return names;
  }

  @Test
  void everyCommandPrintsItsHelpWithoutAWarning() {
    List<String> names = commands();
    assertTrue(names.containsAll(List.of("train", "eval", "export", "bench", "spark")), names
        .toString());
    for (String name : names) {
      String[] r = cli(name, "--help");
      assertEquals("0", r[0], name + ": " + r[2]);
      assertTrue(r[1].startsWith("Usage: alexnet " + name), name + ": " + r[1]);
      assertEquals("", r[2], name + " --help wrote to stderr");
    }
    String[] top = cli("--help");
    for (String name : names) {
      assertTrue(top[1].contains("  " + name + " "), "alexnet --help lacks " + name);
    }
  }

  @Test
  void everyCommandThatRunsTheNetworkTakesTheSessionFlags() {
    for (String name : List.of("train", "quickstart", "eval", "predict", "features", "similar",
        "report", "bench", "summary", "devices")) {
      String help = cli(name, "--help")[1];
      assertTrue(help.contains("--threads") && help.contains("--precision"), name);
      assertTrue(help.contains("--verbose"), name);
    }
    for (String name : List.of("eval", "predict", "features", "similar", "export", "bench")) {
      String help = cli(name, "--help")[1];
      assertTrue(help.contains("--model") && help.contains("--checkpoint")
          && help.contains("--trust"), name);
    }
  }
}
