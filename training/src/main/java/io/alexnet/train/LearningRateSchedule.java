package io.alexnet.train;

import java.util.List;
import io.alexnet.io.PropertiesFile;
import java.io.IOException;
import java.util.Properties;

/**
 * When to divide the learning rate by 10 (Section 5): on a plateau of the validation error (no
 * improvement for {@code patience} epochs, at most {@code maxCuts} times), or at fixed epochs.
 * Its state goes into every checkpoint so a resumed run continues the same schedule.
 */
public final class LearningRateSchedule {
  private final List<Integer> milestones;
  private final int patience;
  private final int maxCuts;
  private double rate;
  private double bestError = Double.POSITIVE_INFINITY;
  private int badEpochs;
  private int cuts;

  public LearningRateSchedule(TrainConfig c) {
    this.milestones = c.milestones();
    this.patience = Math.max(1, c.patience());
    this.maxCuts = c.maxCuts();
    this.rate = c.learningRate();
  }

  public double rate() {
    return rate;
  }

  public double bestError() {
    return bestError;
  }

  public int cuts() {
    return cuts;
  }

  /**
   * Called after epoch {@code epoch} (0-based) with its validation top-1 error; returns the rate
   * for the next epoch. Also records whether this epoch was the best so far.
   */
  public double afterEpoch(int epoch, double valError) {
    boolean better = valError < bestError;
    if (better) {
      bestError = valError;
      badEpochs = 0;
    } else {
      badEpochs++;
    }
    if (!milestones.isEmpty()) {
      if (milestones.contains(epoch + 1)) {
        cut();
      }
    } else if (badEpochs >= patience && cuts < maxCuts) {
      cut();
      badEpochs = 0;
    }
    return rate;
  }

  private void cut() {
    rate /= 10;
    cuts++;
  }

  public void save(Properties p) {
    p.setProperty("schedule.rate", Double.toString(rate));
    p.setProperty("schedule.best_error", Double.toString(bestError));
    p.setProperty("schedule.bad_epochs", Integer.toString(badEpochs));
    p.setProperty("schedule.cuts", Integer.toString(cuts));
  }

  public void load(PropertiesFile p) throws IOException {
    rate = p.decimal("schedule.rate");
    bestError = p.decimal("schedule.best_error");
    badEpochs = p.integer("schedule.bad_epochs");
    cuts = p.integer("schedule.cuts");
  }
}
