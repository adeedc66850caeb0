package io.alexnet.api;

import io.alexnet.cluster.WorkerRole;
import io.alexnet.data.Dataset;
import io.alexnet.graph.DevicePlan;
import io.alexnet.graph.ModelConfig;
import io.alexnet.runtime.SessionOptions;
import io.alexnet.train.StopRequest;
import io.alexnet.train.TrainConfig;
import io.alexnet.train.TrainingListener;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * What {@link Training#fit} trains: the data, the model, the recipe and where the run goes,
 * and how it starts (afresh, resumed, or from another model's weights). Build with {@link
 * #builder}; everything but the data and the folder has a default (the paper's model and
 * recipe, a 5% hold-out for validation, pixels 0..255 minus the mean, this machine's devices).
 * What few programs need (a cluster task, the name the run records for its data) is in {@link
 * Advanced}.
 *
 * @param trainData the training images, before the hold-out
 * @param runDir the run folder
 * @param model the network (a resumed or fine-tuned run takes its own instead)
 * @param recipe the training recipe
 * @param limit train on the first this many training examples (0: all)
 * @param validationLimit validate on the first this many validation examples (0: all)
 * @param validation validation data; empty: every k-th training example held out
 * @param validationFraction the share held out when there is no validation data
 * @param unitVariance divide the inputs by the pixels' standard deviation (what He
 *     initialization expects) instead of the paper's 0..255 scale
 * @param randomCrops random 227x227 crops (Section 4.1)
 * @param flips random horizontal reflections (Section 4.1)
 * @param colourPca the colour PCA shift (Section 4.1)
 * @param statsImages training images the mean image and colour PCA come from (0: all)
 * @param logs write steps.csv, epochs.csv, TensorBoard events and the charts into the run
 * @param listeners told every step, validation, epoch and message
 * @param devices one device plan per data-parallel replica
 * @param resume continue the run in {@link #runDir} from its newest checkpoint
 * @param initFrom a run or SavedModel whose weights and pre-processing the run starts from
 * @param frozen layers that keep their weights (with {@link #initFrom}, or a resumed such run)
 * @param stop lets another thread stop the run after a step, with a checkpoint saved there
 * @param session threads, virtual devices and precision of the training session (a resumed
 *     run keeps its own precision unless this one says float32 or mixed)
 * @param advanced the settings few programs need
 */
public record FitOptions(Dataset trainData, Path runDir, ModelConfig model, TrainConfig recipe,
    int limit, Optional<Dataset> validation, double validationFraction, int validationLimit,
    boolean unitVariance, boolean randomCrops, boolean flips, boolean colourPca,
    int statsImages, boolean logs, List<TrainingListener> listeners, List<DevicePlan> devices,
    boolean resume, Optional<Path> initFrom, Set<String> frozen, Optional<StopRequest> stop,
    SessionOptions session, Advanced advanced) {

  /**
   * @param trainData the training images (a validation share is held out of them unless
   *     validation data is given)
   * @param runDir the run folder to write, or to resume
   * @return a builder whose defaults are the paper's model and recipe
   */
  public static Builder builder(Dataset trainData, Path runDir) {
    return new Builder(trainData, runDir);
  }

  /**
   * The settings few programs need.
   *
   * @param cluster this process's task in a cluster run, if it is one: it trains on its shard
   *     of the data (examples task, task + workers, ...), and only the chief (task 0) writes
   *     the run's checkpoints
   * @param dataName what run.properties records as the data, so that reports and evaluations
   *     can open it again (a command line's --data; default: the data's description)
   */
  public record Advanced(Optional<WorkerRole> cluster, Optional<String> dataName) {
    /** One process, the data's own description. */
    public static final Advanced DEFAULT = new Advanced(Optional.empty(), Optional.empty());

    /**
     * @param r this process's task in a cluster
     * @return these settings with that task
     */
    public Advanced withCluster(WorkerRole r) {
      return new Advanced(Optional.of(r), dataName);
    }

    /**
     * @param name what run.properties records as the data
     * @return these settings with that name
     */
    public Advanced withDataName(String name) {
      return new Advanced(cluster, Optional.of(name));
    }
  }

  /** Defaults: the paper's model (classes from the data) and recipe, a fresh local run. */
  public static final class Builder {
    private final Dataset trainData;
    private final Path runDir;
    private ModelConfig model;
    private TrainConfig recipe = TrainConfig.paper();
    private int limit;
    private Dataset validation;
    private double validationFraction = 0.05;
    private int validationLimit;
    private boolean unitVariance;
    private boolean randomCrops = true;
    private boolean flips = true;
    private boolean colourPca = true;
    private int statsImages = 10000;
    private boolean logs = true;
    private final List<TrainingListener> listeners = new ArrayList<>();
    private List<DevicePlan> devices;
    private boolean resume;
    private Path initFrom;
    private Set<String> frozen = Set.of();
    private StopRequest stop;
    private SessionOptions session = SessionOptions.DEFAULT;
    private Advanced advanced = Advanced.DEFAULT;

    private Builder(Dataset trainData, Path runDir) {
      this.trainData = trainData;
      this.runDir = runDir;
    }

    /**
     * The network to train (default: the paper's, with the data's classes).
     *
     * @param m the model
     * @return this builder
     */
    public Builder model(ModelConfig m) {
      model = m;
      return this;
    }

    /**
     * The recipe (default: the paper's, {@link TrainConfig#paper()}).
     *
     * @param c the recipe
     * @return this builder
     */
    public Builder recipe(TrainConfig c) {
      recipe = c;
      return this;
    }

    /**
     * Train on the first {@code n} training examples only (0: all).
     *
     * @param n how many; 0 for all
     * @return this builder
     */
    public Builder limit(int n) {
      limit = n;
      return this;
    }

    /**
     * Validation data instead of a hold-out of the training data.
     *
     * @param v labelled images, pre-processed as the training images
     * @return this builder
     */
    public Builder validation(Dataset v) {
      validation = v;
      return this;
    }

    /**
     * The share of the training data held out for validation when none is given.
     *
     * @param f between 0 and 1; the default holds out 5%, every 20th example
     * @return this builder
     */
    public Builder validationFraction(double f) {
      validationFraction = f;
      return this;
    }

    /**
     * Validate on the first {@code n} validation examples only (0: all).
     *
     * @param n how many; 0 for all
     * @return this builder
     */
    public Builder validationLimit(int n) {
      validationLimit = n;
      return this;
    }

    /**
     * Divide the inputs by the pixels' standard deviation, as He initialization expects
     * (default: the paper's 0..255 minus the mean).
     *
     * @param u whether to
     * @return this builder
     */
    public Builder unitVariance(boolean u) {
      unitVariance = u;
      return this;
    }

    /**
     * Section 4.1's augmentation: random crops, mirror images, colour PCA.
     *
     * @param crops random 227x227 crops of the 256x256 canvas (else the central one)
     * @param mirrors random horizontal reflections
     * @param pca the colour PCA shift
     * @return this builder
     */
    public Builder augmentation(boolean crops, boolean mirrors, boolean pca) {
      randomCrops = crops;
      flips = mirrors;
      colourPca = pca;
      return this;
    }

    /**
     * Training images the mean image and colour PCA are computed from (0: all).
     *
     * @param n how many; 0 for all
     * @return this builder
     */
    public Builder statsImages(int n) {
      statsImages = n;
      return this;
    }

    /**
     * Write steps.csv, epochs.csv, TensorBoard events and the charts into the run (default:
     * yes).
     *
     * @param l whether to
     * @return this builder
     */
    public Builder logs(boolean l) {
      logs = l;
      return this;
    }

    /**
     * Adds a listener for every step, validation, epoch and message.
     *
     * @param l the listener
     * @return this builder
     */
    public Builder listener(TrainingListener l) {
      listeners.add(l);
      return this;
    }

    /**
     * One plan per replica (default: one, on the model's own devices).
     *
     * @param plans one device plan per replica
     * @return this builder
     */
    public Builder devices(List<DevicePlan> plans) {
      devices = plans;
      return this;
    }

    /**
     * Continue the run in the folder from its newest intact checkpoint.
     *
     * @param r whether to
     * @return this builder
     */
    public Builder resume(boolean r) {
      resume = r;
      return this;
    }

    /**
     * Start from the weights and pre-processing of a run or SavedModel.
     *
     * @param model a run folder (an imported model's too) or a SavedModel
     * @return this builder
     */
    public Builder initFrom(Path model) {
      initFrom = model;
      return this;
    }

    /**
     * Layers ({@code conv1} ... {@code fc8}) that keep the weights they start with.
     *
     * @param layers layer names of {@link io.alexnet.train.FineTuning#LAYERS}
     * @return this builder
     */
    public Builder frozen(Set<String> layers) {
      frozen = Set.copyOf(layers);
      return this;
    }

    /**
     * Lets another thread (a signal handler) stop the run after a step, with a checkpoint
     * saved there.
     *
     * @param s the request to watch
     * @return this builder
     */
    public Builder stopRequest(StopRequest s) {
      stop = s;
      return this;
    }

    /**
     * The session's threads, virtual devices and precision (default: all cores, one CPU
     * device, auto precision: mixed where the machine computes in 16 bits natively).
     *
     * @param o the session options
     * @return this builder
     */
    public Builder session(SessionOptions o) {
      session = o;
      return this;
    }

    /**
     * The settings few programs need: cluster task, the data's name.
     *
     * @param a the advanced settings; start from {@link Advanced#DEFAULT}
     * @return this builder
     */
    public Builder advanced(Advanced a) {
      advanced = a;
      return this;
    }

    /** @return the options */
    public FitOptions build() {
      ModelConfig m = model != null ? model
          : ModelConfig.builder().classes(trainData.numClasses()).build();
      return new FitOptions(trainData, runDir, m, recipe, limit, Optional.ofNullable(validation),
          validationFraction, validationLimit, unitVariance, randomCrops, flips, colourPca,
          statsImages, logs, List.copyOf(listeners),
          devices != null ? List.copyOf(devices) : List.of(m.devices()), resume,
          Optional.ofNullable(initFrom), frozen, Optional.ofNullable(stop), session, advanced);
    }
  }
}
