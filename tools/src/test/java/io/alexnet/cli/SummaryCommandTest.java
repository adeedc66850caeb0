package io.alexnet.cli;

import static org.junit.jupiter.api.Assertions.*;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class SummaryCommandTest {

  /**
   * The command line that runs this program in another JVM with {@code args}: for what a test
   * cannot do in-process (signals, a cluster's tasks, process-wide TensorFlow settings).
   */
  static java.util.List<String> inAnotherJvm(String... args) {
    java.util.List<String> cmd = new java.util.ArrayList<>(java.util.List.of(
        java.nio.file.Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-Xmx1g", "-Djava.awt.headless=true", "-cp", System.getProperty("java.class.path"),
        Main.class.getName()));
    cmd.addAll(java.util.List.of(args));
    return cmd;
  }

  /** Runs the CLI in-process; returns {exit code, stdout, stderr}. */
  static String[] cli(String... args) {
    PrintStream out = System.out, err = System.err;
    ByteArrayOutputStream o = new ByteArrayOutputStream(), e = new ByteArrayOutputStream();
    try {
      System.setOut(new PrintStream(o, true, StandardCharsets.UTF_8));
      System.setErr(new PrintStream(e, true, StandardCharsets.UTF_8));
      int code = Main.run(args);
      return new String[] {String.valueOf(code), o.toString(StandardCharsets.UTF_8),
          e.toString(StandardCharsets.UTF_8)};
    } finally {
      System.setOut(out);
      System.setErr(err);
    }
  }

  @Test
  void summaryOfThePaperModel() {
    String[] r = cli("summary");
    assertEquals("0", r[0], r[2]);
    assertTrue(r[1].contains("Total params:       60,965,224"), r[1]);
    assertTrue(r[1].contains("(0.724 G)"), r[1]);
    assertTrue(r[1].matches("(?s).*conv2\\s+27x27x256\\s+307,456\\s+223,948,800.*"), r[1]);
  }

  @Test
  void summaryShowsEachTowersDevice() {
    String[] r = cli("summary", "--classes", "10", "--devices", "/device:CPU:0,/device:CPU:1");
    assertEquals("0", r[0], r[2]);
    assertTrue(r[1].matches("(?s).*conv4 .*/device:CPU:0 \\| /device:CPU:1.*"), r[1]);
    assertTrue(r[1].matches("(?s).*fc8\\s+10\\s.*"), r[1]);
  }

  @Test
  void oneTowerVariant() {
    String[] r = cli("summary", "--variant", "one-tower");
    assertEquals("0", r[0], r[2]);
    assertTrue(r[1].contains("62,378,344"), r[1]);
  }

  @Test
  void badFlagsAreRefusedWithTheReason() {
    String[] r = cli("summary", "--variant", "three-tower");
    assertEquals("2", r[0]);
    assertTrue(r[2].contains("unknown variant 'three-tower'"), r[2]);
    r = cli("summary", "--devices", "/device:TPUX:0");
    assertEquals("2", r[0]);
    assertTrue(r[2].contains("not a TensorFlow device name"), r[2]);
    r = cli("summary", "--image-size", "40");
    assertEquals("2", r[0]);
    assertTrue(r[2].contains("too small"), r[2]);
  }

  /**
   * --verbose is taken by every command (the launcher reads it first, to let TensorFlow's own
   * log lines through); here it adds a failure's stack trace to its one line.
   */
  @Test
  void everyCommandTakesVerboseAndAFailureThenShowsWhere() {
    assertEquals("0", cli("summary", "--verbose")[0]);
    String[] quiet = cli("predict", "--model", "/nonexistent-model", "x.png");
    String[] verbose = cli("predict", "--model", "/nonexistent-model", "x.png", "--verbose");
    assertEquals("2", quiet[0]);
    assertEquals("2", verbose[0]);
    assertEquals(1, quiet[2].strip().lines().count(), quiet[2]);
    assertTrue(quiet[2].contains("no such model folder"), quiet[2]);
    assertTrue(verbose[2].startsWith(quiet[2].strip()), verbose[2]);
    assertTrue(verbose[2].contains("\tat io.alexnet."), verbose[2]);
  }

}
