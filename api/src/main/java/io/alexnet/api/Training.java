package io.alexnet.api;

import io.alexnet.data.Augmentation;
import io.alexnet.data.ChannelOrder;
import io.alexnet.data.DataStats;
import io.alexnet.data.Dataset;
import io.alexnet.data.Preprocessor;
import io.alexnet.data.Subset;
import io.alexnet.graph.DevicePlan;
import io.alexnet.graph.ModelConfig;
import io.alexnet.report.CsvLogger;
import io.alexnet.report.TensorBoardLogger;
import io.alexnet.report.TrainingPlot;
import io.alexnet.train.FineTuning;
import io.alexnet.train.History;
import io.alexnet.store.RunDir;
import io.alexnet.train.TrainConfig;
import io.alexnet.train.Trainer;
import io.alexnet.train.TrainingListener;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Training from Java, as Keras' {@code fit}: data and options in, a history out, and a run
 * folder that {@link Model#load}, export and evaluation take. {@code alexnet train} is this
 * with flags: a fresh run, a resumed one, one started from another model's weights, one
 * worker of a cluster.
 */
public final class Training {
  private Training() {}

  /** run.properties key: the layers a fine-tuning run keeps fixed, for resuming it. */
  public static final String FROZEN = "finetune.frozen";

  /** What a fit leaves: its per-epoch history and the run folder. */
  public record FitResult(History history, Path runDir) {}

  /**
   * A run ready to train: its settings written (or read back, when resuming), its model,
   * pre-processing and recipe decided. {@code origin} says in words how it starts.
   */
  public record Prepared(FitOptions options, RunDir run, ModelConfig model, Preprocessor pre,
      Augmentation augmentation, TrainConfig recipe, Dataset train, Dataset validation,
      String origin) {

    /** Trains on the options' devices. */
    public FitResult fit() {
      return fit(options.devices());
    }

    /**
     * Trains with {@code devices}, one plan per replica (decided once the model is known: a
     * resumed run's may differ from the flags'). Stops early, with the history saying why, if
     * the loss diverges.
     */
    public FitResult fit(List<DevicePlan> devices) {
      List<TrainingListener> listeners = new ArrayList<>(options.listeners());
      try {
        if (options.logs()) {
          listeners.add(new CsvLogger(options.runDir()));
          listeners.add(new TensorBoardLogger(options.runDir()));
          listeners.add(new TrainingPlot(options.runDir()));
        }
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
      try (Trainer t = new Trainer(model, devices, recipe, train, validation, pre, augmentation,
          run.checkpoints(), options.session(), listeners, options.role().orElse(null))) {
        options.stop().ifPresent(s -> s.attach(t));
        return new FitResult(t.fit(options.resume()), options.runDir());
      } catch (IOException e) {
        throw new AlexNetException(e.getMessage(), e);
      } finally {
        options.stop().ifPresent(s -> s.attach(null));
      }
    }
  }

  /**
   * Trains {@code o.model()} on {@code o.trainData()} with {@code o.recipe()} into a new run
   * folder: the settings and class names, the mean image and colour PCA of the training
   * images, checkpoints, and (with {@code o.logs()}) the CSV logs, TensorBoard events and
   * charts.
   *
   * @throws AlexNetException if the run cannot start (a folder that already holds a run, say),
   *     or the loss diverged
   */
  public static FitResult fit(FitOptions o) {
    FitResult r = prepare(o).fit();
    if (r.history().outcome() == History.Outcome.DIVERGED) {
      throw new AlexNetException(r.history().message());
    }
    return r;
  }

  /** Writes or reads the run's settings and decides model, pre-processing and recipe. */
  public static Prepared prepare(FitOptions o) {
    RunDir run = new RunDir(o.runDir());
    // A cluster's other workers keep their own logs in folders they may reuse.
    boolean follower = o.role().map(r -> !r.chief()).orElse(false);
    if (o.resume() && !run.exists()) {
      throw new AlexNetException("nothing to resume in " + o.runDir() + " (no "
          + RunDir.PROPERTIES + ")");
    }
    if (!o.resume() && !follower && run.exists()) {
      throw new AlexNetException(o.runDir() + " already holds a run: resume it, or pick another"
          + " folder");
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
    try {
      ModelConfig m;
      float scale;
      DataStats stats;
      ChannelOrder order = ChannelOrder.RGB;
      FineTuning fineTuning;
      String origin;
      if (o.resume()) {
        m = run.model();
        scale = run.inputScale();
        order = run.channelOrder();
        stats = DataStats.load(run.stats());
        String kept = run.properties().getProperty(FROZEN, "");
        Set<String> frozen = !o.frozen().isEmpty() || kept.isEmpty() ? o.frozen()
            : ModelSource.frozenLayers(kept, null);
        fineTuning = new FineTuning(Optional.empty(), Set.of(), frozen);
        origin = "resuming " + o.runDir() + " (model and pre-processing as saved there)";
      } else if (o.initFrom().isPresent()) {
        // The pretrained model's network and pre-processing, its statistics too; the new data
        // only decides the classes.
        Path from = o.initFrom().get();
        ModelSource source = ModelSource.open(from);
        m = source.settings().model().toBuilder().classes(train.numClasses())
            .seed(o.model().seed()).build();
        scale = source.settings().inputScale();
        order = source.settings().channelOrder();
        stats = DataStats.load(source.settings().stats());
        fineTuning = source.fineTuning(m, o.frozen());
        run.write(m, scale, order, o.dataName(), train.classNames());
        run.annotate(Map.of("finetune.from", from.toAbsolutePath().toString(),
            FROZEN, String.join(",", o.frozen())));
        stats.save(run.stats());
        origin = "fine-tuning " + from + " (" + m.variant().label() + ", " + m.imageSize()
            + "x" + m.imageSize() + ", " + order + " input); "
            + (source.settings().model().classes() == m.classes() ? "all layers start from it"
                : "fc8 starts afresh for " + m.classes() + " classes")
            + (o.frozen().isEmpty() ? "" : "; frozen: " + String.join(",", o.frozen()));
      } else {
        if (!o.frozen().isEmpty()) {
          throw new AlexNetException("frozen layers go with a model to start from: a layer"
              + " frozen at its random start would never learn");
        }
        m = o.model();
        if (train.numClasses() > m.classes()) {
          throw new AlexNetException("the data has " + train.numClasses() + " classes but the"
              + " model only " + m.classes() + ": build the model with " + train.numClasses()
              + " classes");
        }
        RunDir.Start start = run.start(m, o.statsData(), o.unitVariance(), o.statsImages(),
            o.dataName(), train.classNames());
        stats = start.stats();
        scale = start.scale();
        fineTuning = FineTuning.NONE;
        origin = "a new run in " + o.runDir();
      }
      Preprocessor pre = new Preprocessor(m.imageSize(), stats.mean(), scale, order);
      Augmentation aug = new Augmentation(o.randomCrops(), o.flips(),
          o.colourPca() ? stats.pca() : null);
      TrainConfig recipe = o.recipe().toBuilder().seed(m.seed()).fineTuning(fineTuning).build();
      return new Prepared(o, run, m, pre, aug, recipe, train, val, origin);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (IllegalArgumentException e) {
      throw new AlexNetException(e.getMessage(), e);
    }
  }
}
