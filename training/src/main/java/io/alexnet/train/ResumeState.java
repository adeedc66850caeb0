package io.alexnet.train;

import io.alexnet.io.PropertiesFile;
import java.io.IOException;
import java.util.Properties;

/**
 * Where a run stands, saved with each checkpoint so {@code --resume} continues exactly: the
 * position in the data and the current epoch's tallies so far. Saves and loads itself, so the
 * property names are written once.
 *
 * @param epoch the epoch under way (0-based), or the next one at an epoch's end
 * @param batch batches of it done
 * @param step the global step
 * @param lossSum sum of the epoch's batch losses, each times its batch size
 * @param correct the epoch's training images whose most probable class was right
 * @param correct5 ... whose label was among the five most probable
 * @param seen the epoch's training images so far
 * @param bad the epoch's unreadable images so far
 */
public record ResumeState(int epoch, int batch, long step, double lossSum, long correct,
    long correct5, long seen, int bad) {

  /** A run's very start. */
  public static final ResumeState START = new ResumeState(0, 0, 0, 0, 0, 0, 0, 0);

  /** The start of epoch {@code epoch} at global step {@code step}, tallies empty. */
  public static ResumeState at(int epoch, int batch, long step) {
    return new ResumeState(epoch, batch, step, 0, 0, 0, 0, 0);
  }

  public Properties toProperties() {
    Properties p = new Properties();
    p.setProperty("step", Long.toString(step));
    p.setProperty("epoch", Integer.toString(epoch));
    p.setProperty("batch", Integer.toString(batch));
    p.setProperty("epoch.loss_sum", Double.toString(lossSum));
    p.setProperty("epoch.correct", Long.toString(correct));
    p.setProperty("epoch.correct5", Long.toString(correct5));
    p.setProperty("epoch.seen", Long.toString(seen));
    p.setProperty("epoch.bad", Integer.toString(bad));
    return p;
  }

  /** The state a checkpoint saved; tallies an older checkpoint lacks start at 0. */
  public static ResumeState of(PropertiesFile p) throws IOException {
    return new ResumeState(p.integer("epoch"), p.integer("batch"), p.longInteger("step"),
        p.decimal("epoch.loss_sum", 0), p.longInteger("epoch.correct", 0),
        p.longInteger("epoch.correct5", 0), p.longInteger("epoch.seen", 0),
        p.integer("epoch.bad", 0));
  }
}
