package io.alexnet.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import org.junit.jupiter.api.Test;

class ProgressBarTest {

  /** A terminal gets one line redrawn in place; a pipe gets a plain line per tenth. */
  @Test
  void drawsInPlaceInATerminalAndTenLinesElsewhere() {
    ByteArrayOutputStream term = new ByteArrayOutputStream(), pipe = new ByteArrayOutputStream();
    ProgressBar a = new ProgressBar(new PrintStream(term, true), "eval", true);
    ProgressBar b = new ProgressBar(new PrintStream(pipe, true), "eval", false);
    for (int done = 5; done <= 100; done += 5) {
      a.progress(done, 100);
      b.progress(done, 100);
    }
    a.done();
    String t = term.toString();
    assertEquals(20, t.chars().filter(c -> c == '\r').count());
    assertEquals(1, t.chars().filter(c -> c == '\n').count());
    assertTrue(t.contains("[##############################] 100/100 images"), t);
    String[] lines = pipe.toString().split("\n");
    assertEquals(10, lines.length);
    assertTrue(lines[4].contains("eval: 50/100 images") && lines[4].contains("ETA"), lines[4]);
  }

  /** A second pass (another total) starts its own bar under its own label. */
  @Test
  void aPassWithAnotherTotalStartsANewBar() {
    ByteArrayOutputStream pipe = new ByteArrayOutputStream();
    ProgressBar b = new ProgressBar(new PrintStream(pipe, true), "eval", false);
    b.progress(10, 10);
    b.next("report: neighbours").progress(4, 4);
    String[] lines = pipe.toString().split("\n");
    assertEquals(2, lines.length);
    assertTrue(lines[0].contains("eval: 10/10 images"), lines[0]);
    assertTrue(lines[1].contains("report: neighbours: 4/4 images"), lines[1]);
  }

  /**
   * A pass first heard of after its first batch is timed from when the bar last heard anything:
   * 64 images 50 ms or more after the label read at most 64 / 0.05 = 1,280 images/s, where a clock
   * started at the first report printed millions.
   */
  @Test
  void aPassFirstHeardAfterItsFirstBatchGetsAnHonestRate() throws InterruptedException {
    ByteArrayOutputStream pipe = new ByteArrayOutputStream();
    ProgressBar b = new ProgressBar(new PrintStream(pipe, true), "eval", false);
    b.next("report: neighbours");
    Thread.sleep(50);
    b.progress(64, 250);
    String line = pipe.toString().strip();
    java.util.regex.Matcher m = java.util.regex.Pattern.compile("images, ([0-9.]+) images/s")
        .matcher(line);
    assertTrue(m.find(), line);
    double rate = Double.parseDouble(m.group(1));
    assertTrue(rate > 0 && rate <= 1280, line);
  }
}
