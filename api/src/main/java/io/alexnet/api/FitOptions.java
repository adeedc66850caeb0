package io.alexnet.api;

import io.alexnet.data.Dataset;
import io.alexnet.graph.ModelConfig;
import io.alexnet.train.TrainConfig;
import io.alexnet.train.TrainingListener;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * What {@link Training#fit} trains: the data, the model, the recipe and where the run goes.
 * Build with {@link #builder}; everything but the data and the folder has a default (the
 * paper's model and recipe, a 5% hold-out for validation, pixels 0..255 minus the mean).
 *
 * @param validation validation data; empty: every k-th training example held out
 * @param unitVariance divide the inputs by the pixels' standard deviation (what He
 *     initialization expects) instead of the paper's 0..255 scale
 * @param logs write steps.csv, epochs.csv, TensorBoard events and the charts into the run
 */
public record FitOptions(Dataset trainData, Path runDir, ModelConfig model, TrainConfig recipe,
    Optional<Dataset> validation, double validationFraction, boolean unitVariance,
    boolean randomCrops, boolean flips, boolean colourPca, int statsImages, boolean logs,
    List<TrainingListener> listeners) {

  public static Builder builder(Dataset trainData, Path runDir) {
    return new Builder(trainData, runDir);
  }

  /** Defaults: the paper's model (classes from the data) and recipe. */
  public static final class Builder {
    private final Dataset trainData;
    private final Path runDir;
    private ModelConfig model;
    private TrainConfig recipe = TrainConfig.paper();
    private Dataset validation;
    private double validationFraction = 0.05;
    private boolean unitVariance;
    private boolean randomCrops = true;
    private boolean flips = true;
    private boolean colourPca = true;
    private int statsImages = 10000;
    private boolean logs = true;
    private final List<TrainingListener> listeners = new ArrayList<>();

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

    public Builder validation(Dataset v) {
      validation = v;
      return this;
    }

    public Builder validationFraction(double f) {
      validationFraction = f;
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

    public FitOptions build() {
      ModelConfig m = model != null ? model
          : ModelConfig.builder().classes(trainData.numClasses()).build();
      return new FitOptions(trainData, runDir, m, recipe, Optional.ofNullable(validation),
          validationFraction, unitVariance, randomCrops, flips, colourPca, statsImages, logs,
          List.copyOf(listeners));
    }
  }
}
