package io.alexnet.train;

import java.util.List;

/**
 * The training recipe and the loop's knobs. Defaults are the paper's (Section 5): batch 128,
 * momentum 0.9, weight decay 0.0005, learning rate 0.01 divided by 10 when the validation error
 * stops improving, at most three times, about 90 epochs.
 *
 * @param milestones epochs at which to divide the rate by 10 (a fixed step schedule); empty
 *     means divide on a plateau of the validation error
 * @param patience epochs without a better validation error before a cut (plateau schedule)
 * @param maxCuts cuts at most
 * @param logEvery steps between progress lines
 * @param checkpointEvery steps between checkpoints (one is also written after every epoch)
 * @param keep checkpoints kept besides the best
 * @param workers threads decoding and augmenting images
 * @param valEvery steps between extra validations inside an epoch (0: only after each
 *     epoch), so that even a one-epoch run has a validation curve
 *
 * <p>The run's seed (data order, dropout masks) is the model's ({@code ModelConfig.seed}), and
 * the weights a run starts from are the trainer's business ({@link FineTuning}): a recipe is
 * the same whatever it trains.
 */
public record TrainConfig(
    int epochs,
    int batchSize,
    double learningRate,
    double momentum,
    double weightDecay,
    List<Integer> milestones,
    int patience,
    int maxCuts,
    int logEvery,
    int checkpointEvery,
    int keep,
    int workers,
    int prefetch,
    int valEvery) {

  public TrainConfig {
    if (epochs < 1 || batchSize < 1 || !(learningRate > 0) || logEvery < 1 || keep < 1) {
      throw new IllegalArgumentException("epochs, batch, learning rate, log interval and keep"
          + " must be positive");
    }
    milestones = List.copyOf(milestones);
  }

  /** The paper's recipe, every knob at its default. */
  public static TrainConfig paper() {
    return builder().build();
  }

  /** A builder whose defaults are the paper's recipe and the loop's usual knobs. */
  public static Builder builder() {
    return new Builder();
  }

  public Builder toBuilder() {
    return new Builder().epochs(epochs).batchSize(batchSize).learningRate(learningRate)
        .momentum(momentum).weightDecay(weightDecay).milestones(milestones).patience(patience)
        .maxCuts(maxCuts).logEvery(logEvery).checkpointEvery(checkpointEvery).keep(keep)
        .workers(workers).prefetch(prefetch).valEvery(valEvery);
  }

  public TrainConfig withEpochs(int n) {
    return toBuilder().epochs(n).build();
  }

  public TrainConfig withBatch(int b) {
    return toBuilder().batchSize(b).build();
  }

  public TrainConfig withLearningRate(double lr) {
    return toBuilder().learningRate(lr).build();
  }

  public TrainConfig withCheckpointEvery(int steps) {
    return toBuilder().checkpointEvery(steps).build();
  }

  public TrainConfig withLogEvery(int steps) {
    return toBuilder().logEvery(steps).build();
  }

  public TrainConfig withMilestones(List<Integer> m) {
    return toBuilder().milestones(m).build();
  }

  public TrainConfig withValEvery(int steps) {
    return toBuilder().valEvery(steps).build();
  }

  /** Section 5's numbers by default: 90 epochs of 128, momentum 0.9, decay 5e-4, rate 0.01. */
  public static final class Builder {
    private int epochs = 90;
    private int batchSize = 128;
    private double learningRate = 0.01;
    private double momentum = 0.9;
    private double weightDecay = 0.0005;
    private List<Integer> milestones = List.of();
    private int patience = 1;
    private int maxCuts = 3;
    private int logEvery = 10;
    private int checkpointEvery = 500;
    private int keep = 3;
    private int workers = 2;
    private int prefetch = 4;
    private int valEvery = 0;

    public Builder epochs(int v) {
      epochs = v;
      return this;
    }

    public Builder batchSize(int v) {
      batchSize = v;
      return this;
    }

    public Builder learningRate(double v) {
      learningRate = v;
      return this;
    }

    public Builder momentum(double v) {
      momentum = v;
      return this;
    }

    public Builder weightDecay(double v) {
      weightDecay = v;
      return this;
    }

    /** Epochs after which to divide the rate by 10; empty: on a plateau instead. */
    public Builder milestones(List<Integer> v) {
      milestones = v;
      return this;
    }

    public Builder patience(int v) {
      patience = v;
      return this;
    }

    public Builder maxCuts(int v) {
      maxCuts = v;
      return this;
    }

    public Builder logEvery(int v) {
      logEvery = v;
      return this;
    }

    public Builder checkpointEvery(int v) {
      checkpointEvery = v;
      return this;
    }

    public Builder keep(int v) {
      keep = v;
      return this;
    }

    /** Image decoding threads; twice as many batches are kept in flight. */
    public Builder workers(int v) {
      workers = v;
      prefetch = 2 * v;
      return this;
    }

    public Builder prefetch(int v) {
      prefetch = v;
      return this;
    }

    public Builder valEvery(int v) {
      valEvery = v;
      return this;
    }

    public TrainConfig build() {
      return new TrainConfig(epochs, batchSize, learningRate, momentum, weightDecay, milestones,
          patience, maxCuts, logEvery, checkpointEvery, keep, workers, prefetch, valEvery);
    }
  }
}
