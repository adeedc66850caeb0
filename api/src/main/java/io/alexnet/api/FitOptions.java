package io.alexnet.api;

import io.alexnet.cluster.WorkerRole;
import io.alexnet.data.Dataset;
import io.alexnet.graph.DevicePlan;
import io.alexnet.graph.ModelConfig;
import io.alexnet.graph.SessionConfig;
import io.alexnet.train.StopRequest;
import io.alexnet.train.TrainConfig;
import io.alexnet.train.TrainingListener;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.tensorflow.proto.ConfigProto;

/**
 * What {@link Training#fit} trains: the data, the model, the recipe and where the run goes,
 * and how it starts (afresh, resumed, or from another model's weights). Build with {@link
 * #builder}; everything but the data and the folder has a default (the paper's model and
 * recipe, a 5% hold-out for validation, pixels 0..255 minus the mean, this machine's devices).
 * What few programs need (TensorFlow's session settings, a cluster task) is in {@link
 * Advanced}.
 *
 * @param limit train on the first this many training examples (0: all)
 * @param validationLimit validate on the first this many validation examples (0: all)
 * @param validation validation data; empty: every k-th training example held out
 * @param unitVariance divide the inputs by the pixels' standard deviation (what He
 *     initialization expects) instead of the paper's 0..255 scale
 * @param logs write steps.csv, epochs.csv, TensorBoard events and the charts into the run
 * @param devices one device plan per data-parallel replica
 * @param resume continue the run in {@link #runDir} from its newest checkpoint
 * @param initFrom a run or SavedModel whose weights and pre-processing the run starts from
 * @param frozen layers that keep their weights (with {@link #initFrom}, or a resumed such run)
 * @param stop lets another thread stop the run after a step, with a checkpoint saved there
 */
public record FitOptions(Dataset trainData, Path runDir, ModelConfig model, TrainConfig recipe,
    int limit, Optional<Dataset> validation, double validationFraction, int validationLimit,
    boolean unitVariance, boolean randomCrops, boolean flips, boolean colourPca,
    int statsImages, boolean logs, List<TrainingListener> listeners, List<DevicePlan> devices,
    boolean resume, Optional<Path> initFrom, Set<String> frozen, Optional<StopRequest> stop,
    Advanced advanced) {

  public static Builder builder(Dataset trainData, Path runDir) {
    return new Builder(trainData, runDir);
  }

  /**
   * The settings few programs need.
   *
   * @param session TensorFlow's session settings (threads, virtual CPU devices)
   * @param cluster this process's task in a cluster run, if it is one: it trains on its shard
   *     of the data (examples task, task + workers, ...), and only the chief (task 0) writes
   *     the run's checkpoints
   * @param dataName what run.properties records as the data, so that reports and evaluations
   *     can open it again (a command line's --data; default: the data's description)
   */
  public record Advanced(ConfigProto session, Optional<WorkerRole> cluster,
      Optional<String> dataName) {
    public static final Advanced DEFAULT = new Advanced(SessionConfig.defaults(),
        Optional.empty(), Optional.empty());

    public Advanced withSession(ConfigProto c) {
      return new Advanced(c, cluster, dataName);
    }

    public Advanced withCluster(WorkerRole r) {
      return new Advanced(session, Optional.of(r), dataName);
    }

    public Advanced withDataName(String name) {
      return new Advanced(session, cluster, Optional.of(name));
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
    private Advanced advanced = Advanced.DEFAULT;

    private Builder(Dataset trainData, Path runDir) {
      this.trainData = trainData;
      this.runDir = runDir;
    }

    public Builder model(ModelConfig m) {
      model = m;
      return this;
    }

    public Builder recipe(TrainConfig c) {
      recipe = c;
      return this;
    }

    /** Train on the first {@code n} training examples only (0: all). */
    public Builder limit(int n) {
      limit = n;
      return this;
    }

    public Builder validation(Dataset v) {
      validation = v;
      return this;
    }

    /** The share of the training data held out for validation when none is given. */
    public Builder validationFraction(double f) {
      validationFraction = f;
      return this;
    }

    /** Validate on the first {@code n} validation examples only (0: all). */
    public Builder validationLimit(int n) {
      validationLimit = n;
      return this;
    }

    public Builder unitVariance(boolean u) {
      unitVariance = u;
      return this;
    }

    /** Section 4.1's augmentation: random crops, mirror images, colour PCA. */
    public Builder augmentation(boolean crops, boolean mirrors, boolean pca) {
      randomCrops = crops;
      flips = mirrors;
      colourPca = pca;
      return this;
    }

    /** Training images the mean image and colour PCA are computed from (0: all). */
    public Builder statsImages(int n) {
      statsImages = n;
      return this;
    }

    public Builder logs(boolean l) {
      logs = l;
      return this;
    }

    public Builder listener(TrainingListener l) {
      listeners.add(l);
      return this;
    }

    /** One plan per replica (default: one, on the model's own devices). */
    public Builder devices(List<DevicePlan> plans) {
      devices = plans;
      return this;
    }

    public Builder resume(boolean r) {
      resume = r;
      return this;
    }

    /** Start from the weights and pre-processing of a run or SavedModel. */
    public Builder initFrom(Path model) {
      initFrom = model;
      return this;
    }

    /** Layers ({@code conv1} ... {@code fc8}) that keep the weights they start with. */
    public Builder frozen(Set<String> layers) {
      frozen = Set.copyOf(layers);
      return this;
    }

    public Builder stopRequest(StopRequest s) {
      stop = s;
      return this;
    }

    /** The settings few programs need: session, cluster task, the data's name. */
    public Builder advanced(Advanced a) {
      advanced = a;
      return this;
    }

    public FitOptions build() {
      ModelConfig m = model != null ? model
          : ModelConfig.builder().classes(trainData.numClasses()).build();
      return new FitOptions(trainData, runDir, m, recipe, limit, Optional.ofNullable(validation),
          validationFraction, validationLimit, unitVariance, randomCrops, flips, colourPca,
          statsImages, logs, List.copyOf(listeners),
          devices != null ? List.copyOf(devices) : List.of(m.devices()), resume,
          Optional.ofNullable(initFrom), frozen, Optional.ofNullable(stop), advanced);
    }
  }
}
