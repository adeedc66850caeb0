package io.alexnet.report;

import java.io.PrintStream;
import java.util.Locale;

/**
 * Progress of a long pass over images: in a terminal one line redrawn in place (a bar, count,
 * images/s and time left); elsewhere (a pipe, a log file) a plain line at every tenth.
 */
public final class ProgressBar {
  private static final int WIDTH = 30;
  private final PrintStream out;
  private final String what;
  private final int total;
  private final boolean terminal;
  private final long start = System.nanoTime();
  private int tenths;

  public ProgressBar(PrintStream out, String what, int total) {
    this(out, what, total, System.console() != null && out == System.out);
  }

  ProgressBar(PrintStream out, String what, int total, boolean terminal) {
    this.out = out;
    this.what = what;
    this.total = Math.max(1, total);
    this.terminal = terminal;
  }

  /** {@code done} of the total images handled so far. */
  public void update(int done) {
    double secs = (System.nanoTime() - start) / 1e9;
    double rate = done / Math.max(secs, 1e-9);
    double left = (total - done) / Math.max(rate, 1e-9);
    String numbers = String.format(Locale.ROOT, "%,d/%,d images, %.1f images/s, ETA %s", done,
        total, rate, eta(left));
    if (terminal) {
      int filled = (int) ((long) WIDTH * done / total);
      out.print("\r" + what + " [" + "#".repeat(filled) + ".".repeat(WIDTH - filled) + "] "
          + numbers + "   ");
      out.flush();
    } else if (done * 10L / total > tenths) {
      tenths = (int) (done * 10L / total);
      out.println("  " + what + ": " + numbers);
    }
  }

  /** Ends the line a terminal bar was drawing on. */
  public void done() {
    if (terminal) {
      out.println();
    }
  }

  static String eta(double seconds) {
    long s = Math.round(seconds);
    return s >= 3600 ? String.format(Locale.ROOT, "%dh%02dm", s / 3600, s / 60 % 60)
        : s >= 60 ? String.format(Locale.ROOT, "%dm%02ds", s / 60, s % 60) : s + "s";
  }
}
