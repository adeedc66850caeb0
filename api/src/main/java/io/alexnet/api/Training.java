package io.alexnet.api;

import io.alexnet.cluster.WorkerRole;
import io.alexnet.data.Augmentation;
import io.alexnet.data.ChannelOrder;
import io.alexnet.data.DataStats;
import io.alexnet.data.Dataset;
import io.alexnet.data.Preprocessor;
import io.alexnet.data.Subset;
import io.alexnet.graph.DevicePlan;
import io.alexnet.graph.ModelConfig;
import io.alexnet.runtime.OneDnnWeightCache;
import io.alexnet.graph.Param;
import io.alexnet.logs.CsvLogger;
import io.alexnet.runtime.Arithmetic;
import io.alexnet.runtime.Precision;
import io.alexnet.runtime.SessionOptions;
import io.alexnet.logs.TensorBoardLogger;
import io.alexnet.logs.TrainingPlot;
import io.alexnet.store.RunDir;
import io.alexnet.train.FineTuning;
import io.alexnet.train.History;
import io.alexnet.train.Trainer;
import io.alexnet.train.TrainingListener;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
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
   * pre-processing and recipe decided, its data split.
   */
  public static final class Prepared {
    private final FitOptions options;
    private final RunDir run;
    private final ModelConfig model;
    private final Preprocessor pre;
    private final Augmentation augmentation;
    private final FineTuning fineTuning;
    private final Dataset train;
    private final Dataset validation;
    private final String origin;
    private final SessionOptions session;
    private final Arithmetic arithmetic;
    private final String precisionNote;

    private Prepared(FitOptions options, RunDir run, ModelConfig model, Preprocessor pre,
        Augmentation augmentation, FineTuning fineTuning, Dataset train, Dataset validation,
        String origin, SessionOptions session, Arithmetic arithmetic, String precisionNote) {
      this.options = options;
      this.run = run;
      this.model = model;
      this.pre = pre;
      this.augmentation = augmentation;
      this.fineTuning = fineTuning;
      this.train = train;
      this.validation = validation;
      this.origin = origin;
      this.session = session;
      this.arithmetic = arithmetic;
      this.precisionNote = precisionNote;
    }

    /**
     * What the training step computes in on this machine (auto already decided).
     *
     * @return float32, or the kind of mixed precision
     */
    public Arithmetic arithmetic() {
      return arithmetic;
    }

    /**
     * The precision in words, with why it was chosen: "mixed (bfloat16 compute through
     * oneDNN, float32 variables; auto on this machine)".
     *
     * @return one line
     */
    public String precision() {
      return arithmetic.precision().label() + " ("
          + (arithmetic == Arithmetic.FLOAT32 ? "" : arithmetic.description() + "; ")
          + precisionNote + ")";
    }

    /**
     * The model the run trains (a resumed run's is its own, whatever the options said).
     *
     * @return the model
     */
    public ModelConfig model() {
      return model;
    }

    /**
     * What this process trains on: after the hold-out and the limit, its cluster shard.
     *
     * @return the training images
     */
    public Dataset train() {
      return train;
    }

    /** @return the validation images */
    public Dataset validation() {
      return validation;
    }

    /**
     * The run folder.
     *
     * @return the run folder
     */
    public Path runDir() {
      return run.dir();
    }

    /**
     * How the run starts, in words: "a new run in ...", "resuming ...", "fine-tuning ...".
     *
     * @return one sentence
     */
    public String origin() {
      return origin;
    }

    /**
     * Trains on the options' devices.
     *
     * @return the history and the run folder
     */
    public FitResult fit() {
      return fit(options.devices());
    }

    /**
     * Trains with {@code devices}, one plan per replica (decided once the model is known: a
     * resumed run's may differ from the options'). Stops early, with the history saying why,
     * if the loss diverges or a stop was requested.
     *
     * @throws AlexNetException if training cannot go on (a checkpoint that cannot be saved, a
     *     cluster task that does not answer); its cause says which
     *
     * @param devices one plan per data-parallel replica
     * @return the history and the run folder
     */
    public FitResult fit(List<DevicePlan> devices) {
      List<TrainingListener> listeners = new ArrayList<>(options.logging().listeners());
      FitOptions.Advanced advanced = options.advanced();
      Trainer.Builder b = Trainer.builder(model, options.recipe().loop(), train, validation,
          pre)
          .replicas(devices).augmentation(augmentation).checkpoints(run.checkpoints())
          .session(session).fineTuning(fineTuning);
      advanced.cluster().ifPresent(b::cluster);
      try {
        if (options.logging().files()) {
          listeners.add(new CsvLogger(run.dir()));
          listeners.add(new TensorBoardLogger(run.dir()));
          listeners.add(new TrainingPlot(run.dir()));
        }
        try (Trainer t = b.listeners(listeners).build()) {
          options.stop().ifPresent(s -> s.attach(t));
          return new FitResult(t.fit(options.start().resume()), run.dir());
        } finally {
          options.stop().ifPresent(s -> s.attach(null));
        }
      } catch (AlexNetException e) {
        throw e;
      } catch (IOException | RuntimeException e) {
        throw new AlexNetException(e.getMessage(), e);
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
   *
   * @param o what to train and how
   * @return the history and the run folder
   */
  public static FitResult fit(FitOptions o) {
    FitResult r = prepare(o).fit();
    if (r.history().outcome() == History.Outcome.DIVERGED) {
      throw new AlexNetException(r.history().message());
    }
    return r;
  }

  /**
   * Checks the options, writes or reads the run's settings, and decides model,
   * pre-processing and recipe; splits the data. Nothing is written when a check fails.
   *
   * @throws AlexNetException with what is wrong and what to do
   *
   * @param o what to train and how
   * @return the run, ready to {@link Prepared#fit}
   */
  public static Prepared prepare(FitOptions o) {
    try {
      return prepareChecked(o);
    } catch (AlexNetException e) {
      throw e;
    } catch (IOException | UncheckedIOException | IllegalArgumentException
        | IllegalStateException e) {
      throw new AlexNetException(e.getMessage(), e);
    }
  }

  /** How a run begins: afresh, resumed, from another model's weights. */
  private enum Mode { FRESH, RESUME, FINE_TUNE }

  /** The model and pre-processing a run starts with, and how that came about. */
  private record Begun(ModelConfig model, float scale, ChannelOrder order, DataStats stats,
      FineTuning fineTuning, String origin) {}

  /** What this process trains and validates on. */
  private record Split(Dataset train, Dataset validation, Dataset allTrain) {}

  private static Prepared prepareChecked(FitOptions o) throws IOException {
    // Before anything is written: training under oneDNN's weight cache would diverge.
    OneDnnWeightCache.refuseForTraining();
    RunDir run = new RunDir(o.runDir());
    Mode mode = mode(o, run);
    Set<String> frozen = FineTuning.checked(o.start().frozen());
    // Decided before anything is written: mixed precision where it is not native is refused.
    SessionPlan plan = sessionPlan(o.session(),
        mode == Mode.RESUME ? run.precision() : Optional.empty(),
        o.advanced().cluster().isPresent());
    Split split = split(o);
    String dataName = o.advanced().dataName().orElse(o.trainData().describe());
    Begun begun = switch (mode) {
      case RESUME -> resumed(o, run, frozen);
      case FINE_TUNE -> fineTuned(o, run, frozen, split, dataName);
      case FRESH -> fresh(o, run, split, dataName);
    };
    if (run.exists()) {
      // The recipe a run started with stays its record; a resume writes only a change of
      // precision (a resume on a full disk then fails where the checkpoint would, not here).
      if (mode != Mode.RESUME) {
        run.annotate(o.recipe().properties());
      }
      run.recordPrecision(plan.arithmetic());
    }
    ModelConfig m = begun.model();
    Preprocessor pre = new Preprocessor(m.imageSize(), begun.stats().mean(), begun.scale(),
        begun.order());
    Augmentation aug = o.recipe().augmentation().with(begun.stats().pca());
    return new Prepared(o, run, m, pre, aug, begun.fineTuning(), split.train(),
        split.validation(), begun.origin(), plan.session(), plan.arithmetic(), plan.note());
  }

  /** The start the options ask for, checked against what the folder holds. */
  private static Mode mode(FitOptions o, RunDir run) {
    // A cluster's other workers keep their own logs in folders they may reuse.
    boolean follower = o.advanced().cluster().map(r -> !r.chief()).orElse(false);
    boolean resume = o.start().resume() && !follower;
    if (resume && !run.exists()) {
      throw new AlexNetException("nothing to resume in " + o.runDir() + " (no "
          + RunDir.PROPERTIES + ")");
    }
    if (!resume && !follower && run.exists()) {
      throw new AlexNetException(o.runDir() + " already holds a run: resume it, or train into"
          + " another folder");
    }
    if (!o.start().frozen().isEmpty() && o.start().initFrom().isEmpty() && !resume) {
      throw new AlexNetException("frozen layers go with a model to start from: a layer frozen"
          + " at its random start would never learn");
    }
    return resume ? Mode.RESUME : o.start().initFrom().isPresent() ? Mode.FINE_TUNE
        : Mode.FRESH;
  }

  /**
   * The validation data (given, or held out of the training data, so the test set stays unseen
   * by model selection), both cut to the recipe's limits, and this process's shard.
   */
  private static Split split(FitOptions o) {
    Dataset train = o.trainData();
    Dataset val;
    if (o.validation().data().isPresent()) {
      val = o.validation().data().get();
    } else {
      Dataset[] parts = Subset.holdOut(train, o.validation().fraction());
      train = parts[0];
      val = parts[1];
    }
    train = Subset.first(train, o.recipe().limit());
    val = Subset.first(val, o.recipe().validationLimit());
    // The statistics are the whole training set's; a cluster worker trains on its shard.
    Dataset allTrain = train;
    Optional<WorkerRole> cluster = o.advanced().cluster();
    if (cluster.isPresent()) {
      WorkerRole w = cluster.get();
      train = Subset.shard(train, w.index(), w.workers());
      if (w.sync()) {
        // Lockstep: every worker must run the same number of steps.
        train = Subset.first(train, allTrain.size() / w.workers());
      }
    }
    return new Split(train, val, allTrain);
  }

  /** A resumed run: its own model and pre-processing, as saved. */
  private static Begun resumed(FitOptions o, RunDir run, Set<String> frozen)
      throws IOException {
    run.labels(); // refuses class names that disagree with the settings
    String kept = run.properties().getProperty(FROZEN, "");
    Set<String> keep = !frozen.isEmpty() || kept.isEmpty() ? frozen
        : FineTuning.checked(List.of(kept.split(",")));
    return new Begun(run.model(), run.inputScale(), run.channelOrder(),
        DataStats.load(run.stats()), new FineTuning(Optional.empty(), Set.of(), keep),
        "resuming " + o.runDir() + " (model and pre-processing as saved there)");
  }

  /**
   * A run that starts from another model's weights: its network, pre-processing and
   * statistics; the new data only decides the classes.
   */
  private static Begun fineTuned(FitOptions o, RunDir run, Set<String> frozen, Split split,
      String dataName) throws IOException {
    Path from = o.start().initFrom().orElseThrow();
    // Opened as every command opens a model: a damaged checkpoint is refused here, before
    // the run folder is written.
    try (Model source = Model.loader(from).session(SessionOptions.FLOAT32).load()) {
      RunDir settings = source.settingsFolder();
      ModelConfig m = source.config().toBuilder().classes(split.train().numClasses())
          .seed(o.model().seed()).arithmetic(io.alexnet.runtime.Arithmetic.FLOAT32).build();
      float scale = settings.inputScale();
      ChannelOrder order = settings.channelOrder();
      DataStats stats = DataStats.load(settings.stats());
      FineTuning fineTuning = fineTuning(source, m, frozen);
      run.write(m, scale, order, dataName, split.train().classNames());
      run.annotate(Map.of("finetune.from", from.toAbsolutePath().toString(),
          FROZEN, String.join(",", frozen)));
      stats.save(run.stats());
      String origin = "fine-tuning " + from + " (" + m.variant().label() + ", " + m.imageSize()
          + "x" + m.imageSize() + ", " + order + " input); "
          + (source.config().classes() == m.classes() ? "all layers start from it"
              : "fc8 starts afresh for " + m.classes() + " classes")
          + (frozen.isEmpty() ? "" : "; frozen: " + String.join(",", frozen));
      return new Begun(m, scale, order, stats, fineTuning, origin);
    }
  }

  /** A new run: the recipe's model, and the training images' mean, colour PCA and scale. */
  private static Begun fresh(FitOptions o, RunDir run, Split split, String dataName)
      throws IOException {
    ModelConfig m = o.model();
    if (split.train().numClasses() > m.classes()) {
      throw new AlexNetException("the data has " + split.train().numClasses() + " classes but"
          + " the model only " + m.classes() + ": build the model with "
          + split.train().numClasses() + " classes");
    }
    RunDir.Start start = run.start(m, split.allTrain(), o.recipe().unitVariance(),
        o.recipe().statsImages(), dataName, split.train().classNames());
    return new Begun(m, start.scale(), ChannelOrder.RGB, start.stats(), FineTuning.NONE,
        "a new run in " + o.runDir() + " (recipe " + o.recipe().name() + ")");
  }

  /** The session a run trains with, its arithmetic, and why that precision. */
  private record SessionPlan(SessionOptions session, Arithmetic arithmetic, String note) {}

  /**
   * Auto keeps a resumed run's precision; float32 or mixed asked for explicitly wins, and the
   * note says that it changed. Mixed on a machine that cannot compute it natively is refused.
   */
  static SessionPlan sessionPlan(SessionOptions asked, Optional<Precision> saved,
      boolean cluster) {
    Precision p = asked.precision();
    String note;
    if (cluster) {
      // TensorFlow's distributed runtime places the rewrite's fused bfloat16 convolutions
      // where no kernel takes them (measured: "_FusedConv2D ... bfloat16 is not in the list of
      // allowed values"): a cluster trains in float32.
      if (p == Precision.MIXED) {
        throw new AlexNetException("mixed precision is not available in cluster training"
            + " (TensorFlow's distributed runtime has no kernels for its fused bfloat16"
            + " convolutions): use precision float32 or auto");
      }
      SessionOptions f = asked.withPrecision(Precision.FLOAT32);
      return new SessionPlan(f, f.arithmetic(), p == Precision.AUTO
          ? "auto in a cluster: float32, as TensorFlow's distributed runtime needs" : "as asked");
    }
    if (p == Precision.AUTO && saved.isPresent()) {
      p = saved.get();
      note = "as the run trained so far";
    } else if (p == Precision.AUTO) {
      note = "auto on this machine: " + io.alexnet.runtime.Machine.current().describe();
    } else if (saved.isPresent() && saved.get() != p) {
      note = "as asked; the run trained in " + saved.get().label() + " so far";
    } else {
      note = "as asked";
    }
    SessionOptions session = asked.withPrecision(p);
    try {
      return new SessionPlan(session, session.arithmetic(), note);
    } catch (IllegalArgumentException e) {
      throw new AlexNetException(e.getMessage() + (saved.isPresent() && asked.precision()
          == Precision.AUTO ? " (the run trained in " + saved.get().label() + " so far: resume"
          + " it in float32 to go on here)" : ""), e);
    }
  }

  /**
   * Fine-tuning {@code model} from {@code source}: every variable read from it but fc8's when
   * the class count differs; {@code frozen} layers kept fixed.
   */
  private static FineTuning fineTuning(Model source, ModelConfig model, Set<String> frozen) {
    boolean sameClasses = source.config().classes() == model.classes();
    if (!sameClasses && frozen.contains("fc8")) {
      throw new AlexNetException("fc8 cannot be frozen: the new data has " + model.classes()
          + " classes, the pretrained model " + source.config().classes()
          + ", so fc8 starts afresh");
    }
    Set<String> names = new LinkedHashSet<>();
    for (Param p : source.params()) {
      if (sameClasses || !p.layer().equals("fc8")) {
        names.add(p.name());
      }
    }
    return new FineTuning(Optional.of(source.weightsPrefix()), names, frozen);
  }
}
