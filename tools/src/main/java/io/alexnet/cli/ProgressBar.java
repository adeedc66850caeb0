package io.alexnet.cli;

import io.alexnet.api.Features;
import io.alexnet.eval.EvalListener;
import java.io.PrintStream;
import java.util.Locale;

/**
 * Progress of long passes over images, on stderr so that stdout keeps only results: in a
 * terminal one line redrawn in place (a bar, count, images/s and time left); elsewhere (a pipe,
 * a log file) a plain line at every tenth. A pass with another total starts a new bar, labelled
 * with {@link #next}.
 */
final class ProgressBar implements EvalListener, Features.Listener {
  private static final int WIDTH = 30;
  private final PrintStream out;
  private final boolean terminal;
  private String what;
  private int total = -1;
  private long start;
  /** When the bar last heard of progress, or was made or relabelled. */
  private long last = System.nanoTime();
  private int tenths;
  private boolean drawn;

  /** A bar on stderr, drawn in place when the program runs in a terminal. */
  ProgressBar(String what) {
    this(System.err, what, System.console() != null);
  }

  ProgressBar(PrintStream out, String what, boolean terminal) {
    this.out = out;
    this.what = what;
    this.terminal = terminal;
  }

  /** Labels the passes that follow ("report: neighbours", say). */
  ProgressBar next(String label) {
    done();
    what = label;
    total = -1;
    last = System.nanoTime();
    return this;
  }

  @Override
  public synchronized void progress(int done, int of) {
    long now = System.nanoTime();
    if (of != total) {
      done();
      total = of;
      // A pass first heard of after its first batch began when the bar last heard anything;
      // starting its clock now would report that batch at millions of images/s.
      start = done == 0 ? now : last;
      tenths = 0;
    }
    last = now;
    int whole = Math.max(1, total);
    double secs = (now - start) / 1e9;
    double rate = done / Math.max(secs, 1e-9);
    double left = (whole - done) / Math.max(rate, 1e-9);
    String numbers = String.format(Locale.ROOT, "%,d/%,d images, %.1f images/s, ETA %s", done,
        total, rate, eta(left));
    if (terminal) {
      int filled = (int) ((long) WIDTH * done / whole);
      out.print("\r" + what + " [" + "#".repeat(filled) + ".".repeat(WIDTH - filled) + "] "
          + numbers + "   ");
      out.flush();
      drawn = true;
    } else if (done * 10L / whole > tenths) {
      tenths = (int) (done * 10L / whole);
      out.println("  " + what + ": " + numbers);
    }
  }

  @Override
  public synchronized void skipped(String problem) {
    done();
    out.println("skipped: " + problem);
  }

  /** Ends the line a terminal bar was drawing on. */
  synchronized void done() {
    if (drawn) {
      out.println();
      drawn = false;
    }
  }

  static String eta(double seconds) {
    long s = Math.round(seconds);
    return s >= 3600 ? String.format(Locale.ROOT, "%dh%02dm", s / 3600, s / 60 % 60)
        : s >= 60 ? String.format(Locale.ROOT, "%dm%02ds", s / 60, s % 60) : s + "s";
  }
}
