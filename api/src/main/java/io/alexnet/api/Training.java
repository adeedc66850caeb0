package io.alexnet.api;

import io.alexnet.data.Augmentation;
import io.alexnet.data.Dataset;
import io.alexnet.data.Preprocessor;
import io.alexnet.data.Subset;
import io.alexnet.graph.ModelConfig;
import io.alexnet.graph.SessionConfig;
import io.alexnet.report.CsvLogger;
import io.alexnet.report.TensorBoardLogger;
import io.alexnet.report.TrainingPlot;
import io.alexnet.train.History;
import io.alexnet.train.RunDir;
import io.alexnet.train.Trainer;
import io.alexnet.train.TrainingListener;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Training from Java, as Keras' {@code fit}: data and options in, a history out, and a run
 * folder that {@link Model#load}, export and evaluation take. Local training on this machine;
 * clusters, resuming and fine-tuning are the command line's ({@code alexnet train}).
 */
public final class Training {
  private Training() {}

  /** What a fit leaves: its per-epoch history and the run folder. */
  public record FitResult(History history, Path runDir) {}

  /**
   * Trains {@code o.model()} on {@code o.trainData()} with {@code o.recipe()}, writing a new run
   * folder: the settings and class names, the mean image and colour PCA of the training images,
   * checkpoints, and (with {@code o.logs()}) the CSV logs, TensorBoard events and charts.
   *
   * @throws AlexNetException if the folder already holds a run, or the loss diverged
   */
  public static FitResult fit(FitOptions o) {
    RunDir run = new RunDir(o.runDir());
    if (run.exists()) {
      throw new AlexNetException(o.runDir() + " already holds a run: pick another folder");
    }
    Dataset train = o.trainData();
    Dataset val;
    if (o.validation().isPresent()) {
      val = o.validation().get();
    } else {
      Dataset[] split = Subset.holdOut(train, o.validationFraction());
      train = split[0];
      val = split[1];
    }
    ModelConfig m = o.model();
    if (train.numClasses() > m.classes()) {
      throw new AlexNetException("the data has " + train.numClasses() + " classes but the model"
          + " only " + m.classes() + ": build the model with classes(" + train.numClasses()
          + ")");
    }
    try {
      RunDir.Start start = run.start(m, train, o.unitVariance(), o.statsImages(),
          train.describe(), train.classNames());
      Preprocessor pre = start.preprocessor(m.imageSize());
      Augmentation aug = new Augmentation(o.randomCrops(), o.flips(),
          o.colourPca() ? start.stats().pca() : null);
      List<TrainingListener> listeners = new ArrayList<>(o.listeners());
      if (o.logs()) {
        listeners.add(new CsvLogger(o.runDir()));
        listeners.add(new TensorBoardLogger(o.runDir()));
        listeners.add(new TrainingPlot(o.runDir()));
      }
      History h;
      try (Trainer t = new Trainer(m, o.recipe(), train, val, pre, aug, run.checkpoints(),
          SessionConfig.defaults(), listeners)) {
        h = t.fit(false);
      }
      if (h.outcome() == History.Outcome.DIVERGED) {
        throw new AlexNetException(h.message());
      }
      return new FitResult(h, o.runDir());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
