package io.alexnet.api;

import io.alexnet.cluster.WorkerRole;
import io.alexnet.data.Dataset;
import io.alexnet.graph.DevicePlan;
import io.alexnet.runtime.Devices;
import io.alexnet.graph.ModelConfig;
import io.alexnet.runtime.SessionOptions;
import io.alexnet.train.Recipe;
import io.alexnet.train.StopRequest;
import io.alexnet.train.TrainingListener;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * What {@link Training#fit} trains: the data, the network, the recipe and where the run goes,
 * how it is validated, how it starts (afresh, resumed, or from another model's weights), who
 * hears of its progress, and the session it runs in. Build with {@link #builder}; everything
 * but the data and the folder has a default: the paper's network with the data's classes,
 * {@link Recipe#DEFAULT} (or {@link Recipe#FINE_TUNE} from trained weights), a 5% hold-out for
 * validation, this machine's devices and precision.
 *
 * @param trainData the training images, before the hold-out
 * @param runDir the run folder
 * @param model the network's architecture (a resumed or fine-tuned run takes its own); its
 *     initialization is the recipe's
 * @param recipe how to train
 * @param validation what the run validates on
 * @param start how the run starts
 * @param logging who hears of the run's progress
 * @param stop lets another thread stop the run after a step, with a checkpoint saved there
 * @param devices one device plan per data-parallel replica (default: the model's, whose
 *     unpinned default becomes this machine's: two GPUs, one, or the CPU)
 * @param session threads, virtual devices and precision of the training session (a resumed
 *     run keeps its own precision unless this one says float32 or mixed)
 * @param advanced the settings few programs need
 */
public record FitOptions(Dataset trainData, Path runDir, ModelConfig model, Recipe recipe,
    Validation validation, Start start, Logging logging, Optional<StopRequest> stop,
    List<DevicePlan> devices, SessionOptions session, Advanced advanced) {

  /**
   * @param trainData the training images (a validation share is held out of them unless
   *     validation data is given)
   * @param runDir the run folder to write, or to resume
   * @return a builder whose defaults are the paper's network and the default recipe
   */
  public static Builder builder(Dataset trainData, Path runDir) {
    return new Builder(trainData, runDir);
  }

  /**
   * What the run validates on.
   *
   * @param data validation data; empty: every k-th training example held out
   * @param fraction the share held out when there is no validation data
   */
  public record Validation(Optional<Dataset> data, double fraction) {
    /** Every 20th training example held out. */
    public static final Validation HOLD_OUT = new Validation(Optional.empty(), 0.05);
  }

  /**
   * How the run starts.
   *
   * @param resume continue the run in the folder from its newest intact checkpoint
   * @param initFrom a run or SavedModel whose weights and pre-processing the run starts from
   * @param frozen layers that keep their weights (with {@link #initFrom}, or a resumed such
   *     run)
   */
  public record Start(boolean resume, Optional<Path> initFrom, Set<String> frozen) {
    /** A new run from random weights. */
    public static final Start FRESH = new Start(false, Optional.empty(), Set.of());
  }

  /**
   * Who hears of the run's progress.
   *
   * @param files write steps.csv, epochs.csv, TensorBoard events and the charts into the run
   * @param listeners told every step, validation, epoch and message
   */
  public record Logging(boolean files, List<TrainingListener> listeners) {}

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

  /** Defaults: the paper's network (classes from the data), the default recipe, a new run. */
  public static final class Builder {
    private final Dataset trainData;
    private final Path runDir;
    private ModelConfig model;
    private Recipe recipe;
    private Dataset validation;
    private double validationFraction = Validation.HOLD_OUT.fraction();
    private boolean logFiles = true;
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
     * The network's architecture (default: the paper's, with the data's classes). Its
     * initialization is the recipe's.
     *
     * @param m the model
     * @return this builder
     */
    public Builder model(ModelConfig m) {
      model = m;
      return this;
    }

    /**
     * How to train (default: {@link Recipe#DEFAULT}, or {@link Recipe#FINE_TUNE} with {@link
     * #initFrom}).
     *
     * @param r the recipe
     * @return this builder
     */
    public Builder recipe(Recipe r) {
      recipe = r;
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
     * Write steps.csv, epochs.csv, TensorBoard events and the charts into the run (default:
     * yes).
     *
     * @param l whether to
     * @return this builder
     */
    public Builder logs(boolean l) {
      logFiles = l;
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
     * @param from a run folder (an imported model's too) or a SavedModel
     * @return this builder
     */
    public Builder initFrom(Path from) {
      initFrom = from;
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
      Recipe r = recipe != null ? recipe : Recipe.defaultFor(initFrom != null);
      ModelConfig architecture = model != null ? model
          : ModelConfig.builder().classes(trainData.numClasses()).build();
      if (architecture.devices().equals(DevicePlan.unpinned())) {
        // This machine's devices, as the command line's --devices auto places them.
        architecture = architecture.toBuilder().devices(DevicePlan.auto(Devices.gpuCount()))
            .build();
      }
      ModelConfig m = architecture.toBuilder().init(r.init()).hiddenBias(r.hiddenBias())
          .build();
      return new FitOptions(trainData, runDir, m, r,
          new Validation(Optional.ofNullable(validation), validationFraction),
          new Start(resume, Optional.ofNullable(initFrom), frozen),
          new Logging(logFiles, List.copyOf(listeners)), Optional.ofNullable(stop),
          devices != null ? List.copyOf(devices) : List.of(m.devices()), session, advanced);
    }
  }
}
