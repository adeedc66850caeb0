package io.alexnet.train;

import io.alexnet.data.Augmentation;
import io.alexnet.graph.WeightInit;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * How a network is trained, as one named value: the loop and update ({@link TrainConfig}), the
 * initialization, the input scale, the augmentation, and how much of the data is used. Every
 * default of training lives here; the library applies a recipe, the command line picks one with
 * {@code --recipe NAME} and overrides single fields with flags.
 *
 * @param name what run.properties and logs call it (an overridden recipe keeps its base's name)
 * @param loop epochs, batch, learning rate and schedule, momentum, weight decay, checkpoints
 * @param init how weights are drawn
 * @param hiddenBias the starting bias of conv2, conv4, conv5, fc6 and fc7
 * @param unitVariance divide the inputs by the pixels' standard deviation (what He
 *     initialization expects), instead of the paper's 0..255 minus the mean
 * @param augmentation Section 4.1's crops, flips and colour PCA
 * @param statsImages training images the mean image and colour PCA come from (0: all)
 * @param limit train on the first this many training examples (0: all)
 * @param validationLimit validate on the first this many validation examples (0: all)
 */
public record Recipe(String name, TrainConfig loop, WeightInit init, double hiddenBias,
    boolean unitVariance, Augmentation.Choice augmentation, int statsImages, int limit,
    int validationLimit) {

  public Recipe {
    if (statsImages < 0 || limit < 0 || validationLimit < 0) {
      throw new IllegalArgumentException("image counts must be 0 (all) or more");
    }
  }

  /**
   * Section 5 exactly: weights from N(0, 0.01^2), biases of 1 in conv2, conv4, conv5, fc6 and
   * fc7, pixels 0..255 minus the mean image (Section 2), SGD with momentum 0.9 and weight decay
   * 0.0005 on batches of 128 at a rate of 0.01 divided by 10 when the validation error stops
   * improving (at most three times) over about 90 epochs, and Section 4.1's augmentation. On
   * data other than ImageNet it may not learn: on Fashion-MNIST the loss goes to NaN within a
   * few steps (docs/PAPER.md).
   */
  public static final Recipe PAPER = new Recipe("paper", TrainConfig.paper(), WeightInit.PAPER,
      1.0, false, Augmentation.Choice.PAPER, 10000, 0, 0);

  /**
   * The paper's recipe with the initialization that learns on other data: He initialization,
   * hidden biases of 0.1 (BVLC's published model changed them for the same reason) and
   * unit-variance inputs. The recorded Fashion-MNIST run is this recipe cut to 6 epochs with
   * the rate divided after the 4th ({@code --epochs 6 --schedule 4,6}).
   */
  public static final Recipe DEFAULT = new Recipe("default", TrainConfig.paper(), WeightInit.HE,
      0.1, true, Augmentation.Choice.PAPER, 10000, 0, 0);

  /**
   * Starting from a trained model's weights: the default recipe at a tenth of its rate (as
   * BVLC's fine-tuning recipes use), so that the first steps do not undo what the weights
   * know. Initialization and input scale come from the model started from.
   */
  public static final Recipe FINE_TUNE = DEFAULT.toBuilder().name("fine-tune")
      .loop(DEFAULT.loop().withLearningRate(0.001)).build();

  /**
   * A few minutes on a 2-core machine: three passes over 4,096 images at a rate of 0.02, cut
   * by 10 for the last, on batches of 64 without augmentation, which pays off only over many
   * epochs; a checkpoint and a validation (on 500 images) after each pass. Chosen on held-out
   * validation images (BENCHMARKS.md).
   */
  public static final Recipe QUICKSTART = DEFAULT.toBuilder().name("quickstart")
      .loop(TrainConfig.paper().toBuilder().epochs(3).batchSize(64).learningRate(0.02)
          .milestones(List.of(2)).logEvery(16).checkpointEvery(0).build())
      .augmentation(Augmentation.Choice.NONE).statsImages(5000).limit(4096)
      .validationLimit(500).build();

  private static final Map<String, Recipe> NAMED = Map.of(PAPER.name, PAPER, DEFAULT.name,
      DEFAULT, FINE_TUNE.name, FINE_TUNE, QUICKSTART.name, QUICKSTART);

  /**
   * A recipe by name.
   *
   * @param name default, paper, fine-tune or quickstart
   * @return the recipe
   * @throws IllegalArgumentException naming the choices
   */
  public static Recipe named(String name) {
    Recipe r = NAMED.get(name.trim().toLowerCase(Locale.ROOT));
    if (r == null) {
      throw new IllegalArgumentException("no recipe '" + name + "': use "
          + String.join(", ", names()));
    }
    return r;
  }

  /** The recipes' names. */
  public static List<String> names() {
    return List.of(DEFAULT.name, PAPER.name, FINE_TUNE.name, QUICKSTART.name);
  }

  /**
   * The recipe a run gets when none is chosen: {@link #FINE_TUNE} when it starts from a
   * trained model's weights, else {@link #DEFAULT}.
   */
  public static Recipe defaultFor(boolean fromTrainedWeights) {
    return fromTrainedWeights ? FINE_TUNE : DEFAULT;
  }

  public Builder toBuilder() {
    return new Builder(this);
  }

  /** The recipe as run.properties records it ({@code recipe.*} keys). */
  public Map<String, String> properties() {
    Map<String, String> p = new java.util.TreeMap<>();
    p.put("recipe.name", name);
    p.put("recipe.epochs", Integer.toString(loop.epochs()));
    p.put("recipe.batch", Integer.toString(loop.batchSize()));
    p.put("recipe.learning_rate", Double.toString(loop.learningRate()));
    p.put("recipe.momentum", Double.toString(loop.momentum()));
    p.put("recipe.weight_decay", Double.toString(loop.weightDecay()));
    p.put("recipe.schedule", loop.milestones().isEmpty() ? "plateau"
        : String.join(",", loop.milestones().stream().map(String::valueOf).toList()));
    p.put("recipe.patience", Integer.toString(loop.patience()));
    p.put("recipe.max_cuts", Integer.toString(loop.maxCuts()));
    p.put("recipe.init", init.name().toLowerCase(Locale.ROOT));
    p.put("recipe.hidden_bias", Double.toString(hiddenBias));
    p.put("recipe.unit_variance", Boolean.toString(unitVariance));
    p.put("recipe.augmentation", ((augmentation.randomCrop() ? "crops " : "")
        + (augmentation.flip() ? "flips " : "") + (augmentation.colourPca() ? "pca" : "")).trim());
    p.put("recipe.stats_images", Integer.toString(statsImages));
    p.put("recipe.limit", Integer.toString(limit));
    p.put("recipe.validation_limit", Integer.toString(validationLimit));
    return p;
  }

  /** Changes single fields of a recipe: {@code Recipe.DEFAULT.toBuilder().epochs(6).build()}. */
  public static final class Builder {
    private String name;
    private TrainConfig.Builder loop;
    private WeightInit init;
    private double hiddenBias;
    private boolean unitVariance;
    private Augmentation.Choice augmentation;
    private int statsImages;
    private int limit;
    private int validationLimit;

    private Builder(Recipe r) {
      name = r.name;
      loop = r.loop.toBuilder();
      init = r.init;
      hiddenBias = r.hiddenBias;
      unitVariance = r.unitVariance;
      augmentation = r.augmentation;
      statsImages = r.statsImages;
      limit = r.limit;
      validationLimit = r.validationLimit;
    }

    public Builder name(String n) {
      name = n;
      return this;
    }

    /** Replaces the whole loop. */
    public Builder loop(TrainConfig c) {
      loop = c.toBuilder();
      return this;
    }

    public Builder epochs(int n) {
      loop.epochs(n);
      return this;
    }

    public Builder batchSize(int n) {
      loop.batchSize(n);
      return this;
    }

    public Builder learningRate(double r) {
      loop.learningRate(r);
      return this;
    }

    /** Epochs after which to divide the rate by 10; empty: on a plateau instead. */
    public Builder milestones(List<Integer> m) {
      loop.milestones(m);
      return this;
    }

    public Builder momentum(double m) {
      loop.momentum(m);
      return this;
    }

    public Builder weightDecay(double d) {
      loop.weightDecay(d);
      return this;
    }

    public Builder patience(int p) {
      loop.patience(p);
      return this;
    }

    public Builder maxCuts(int n) {
      loop.maxCuts(n);
      return this;
    }

    public Builder logEvery(int steps) {
      loop.logEvery(steps);
      return this;
    }

    public Builder validateEvery(int steps) {
      loop.valEvery(steps);
      return this;
    }

    public Builder checkpointEvery(int steps) {
      loop.checkpointEvery(steps);
      return this;
    }

    public Builder keep(int n) {
      loop.keep(n);
      return this;
    }

    /** Image decoding threads; twice as many batches are kept in flight. */
    public Builder workers(int n) {
      loop.workers(n);
      return this;
    }

    public Builder init(WeightInit i) {
      init = i;
      return this;
    }

    public Builder hiddenBias(double b) {
      hiddenBias = b;
      return this;
    }

    public Builder unitVariance(boolean u) {
      unitVariance = u;
      return this;
    }

    public Builder augmentation(Augmentation.Choice a) {
      augmentation = a;
      return this;
    }

    public Builder statsImages(int n) {
      statsImages = n;
      return this;
    }

    public Builder limit(int n) {
      limit = n;
      return this;
    }

    public Builder validationLimit(int n) {
      validationLimit = n;
      return this;
    }

    public Recipe build() {
      return new Recipe(name, loop.build(), init, hiddenBias, unitVariance, augmentation,
          statsImages, limit, validationLimit);
    }
  }
}
