package io.alexnet.logs;

import io.alexnet.train.History;
import io.alexnet.train.TrainingListener;
import java.io.PrintStream;
import java.util.Locale;

/** One line per logging interval and one per epoch, like Keras' fit output. */
public final class ProgressPrinter implements TrainingListener {
  private final PrintStream out;
  private final int epochs;

  public ProgressPrinter(PrintStream out, int epochs) {
    this.out = out;
    this.epochs = epochs;
  }

  @Override
  public void onStart(int startEpoch, long startStep) {
    if (startStep > 0) {
      out.printf(Locale.ROOT, "resuming at epoch %d, step %d%n", startEpoch + 1, startStep);
    }
  }

  @Override
  public void onStep(Step s) {
    out.printf(Locale.ROOT,
        "epoch %d/%d  step %d (%d/%d)  loss %.4f  top-1 err %.3f  lr %.2g  %.1f img/s  ETA %s%n",
        s.epoch() + 1, epochs, s.step(), s.batchInEpoch(), s.batchesPerEpoch(), s.loss(),
        s.batchTop1Error(), s.learningRate(), s.imagesPerSecond(), duration(s.etaSeconds()));
  }

  @Override
  public void onValidation(Validation v) {
    out.printf(Locale.ROOT, "  validation at step %d (epoch %.2f): top-1 err %.4f, top-5 err"
        + " %.4f%n", v.step(), v.epochs(), v.top1Error(), v.top5Error());
  }

  @Override
  public void onMessage(String message) {
    out.println(message);
  }

  @Override
  public void onEpoch(Epoch e) {
    // A cluster's non-chief workers do not validate.
    String val = Double.isNaN(e.valTop1Error()) ? "no validation here"
        : String.format(Locale.ROOT, "val top-1 err %.4f, top-5 err %.4f", e.valTop1Error(),
            e.valTop5Error());
    out.printf(Locale.ROOT,
        "epoch %d/%d done in %s (%.1f%% of it waiting for data): train loss %.4f, train top-1"
            + " err %.3f | %s | next lr %.2g%s%s%n",
        e.epoch() + 1, epochs, duration(e.seconds()), 100 * e.dataWaitSeconds() / e.seconds(),
        e.trainLoss(), e.trainTop1Error(), val, e.learningRate(),
        e.badExamples() > 0 ? " | " + e.badExamples() + " unreadable images skipped" : "",
        e.best() ? "  (best so far)" : "");
  }

  @Override
  public void onEnd(History h) {
    if (h.outcome() == History.Outcome.DIVERGED) {
      out.println("error: " + h.message());
    }
  }

  static String duration(double seconds) {
    if (!Double.isFinite(seconds) || seconds < 0) {
      return "?";
    }
    long s = Math.round(seconds);
    if (s < 60) {
      return s + "s";
    }
    if (s < 3600) {
      return String.format(Locale.ROOT, "%dm%02ds", s / 60, s % 60);
    }
    return String.format(Locale.ROOT, "%dh%02dm", s / 3600, (s % 3600) / 60);
  }
}
