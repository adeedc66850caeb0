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
 * @param fineTuning the weights to start from and the layers to keep fixed ({@link
 *     FineTuning#NONE}: from scratch, everything trained)
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
    long seed,
    int valEvery,
    FineTuning fineTuning) {

  public TrainConfig {
    if (epochs < 1 || batchSize < 1 || !(learningRate > 0) || logEvery < 1 || keep < 1) {
      throw new IllegalArgumentException("epochs, batch, learning rate, log interval and keep"
          + " must be positive");
    }
    milestones = List.copyOf(milestones);
  }

  public static TrainConfig paper() {
    return new TrainConfig(90, 128, 0.01, 0.9, 0.0005, List.of(), 1, 3, 10, 1000, 3, 2, 4, 1,
        0, FineTuning.NONE);
  }

  public TrainConfig withEpochs(int n) {
    return new TrainConfig(n, batchSize, learningRate, momentum, weightDecay, milestones,
        patience, maxCuts, logEvery, checkpointEvery, keep, workers, prefetch, seed, valEvery,
        fineTuning);
  }

  public TrainConfig withBatch(int b) {
    return new TrainConfig(epochs, b, learningRate, momentum, weightDecay, milestones, patience,
        maxCuts, logEvery, checkpointEvery, keep, workers, prefetch, seed, valEvery,
        fineTuning);
  }

  public TrainConfig withLearningRate(double lr) {
    return new TrainConfig(epochs, batchSize, lr, momentum, weightDecay, milestones, patience,
        maxCuts, logEvery, checkpointEvery, keep, workers, prefetch, seed, valEvery,
        fineTuning);
  }

  public TrainConfig withCheckpointEvery(int steps) {
    return new TrainConfig(epochs, batchSize, learningRate, momentum, weightDecay, milestones,
        patience, maxCuts, logEvery, steps, keep, workers, prefetch, seed, valEvery,
        fineTuning);
  }

  public TrainConfig withLogEvery(int steps) {
    return new TrainConfig(epochs, batchSize, learningRate, momentum, weightDecay, milestones,
        patience, maxCuts, steps, checkpointEvery, keep, workers, prefetch, seed, valEvery,
        fineTuning);
  }

  public TrainConfig withMilestones(List<Integer> m) {
    return new TrainConfig(epochs, batchSize, learningRate, momentum, weightDecay, m, patience,
        maxCuts, logEvery, checkpointEvery, keep, workers, prefetch, seed, valEvery,
        fineTuning);
  }

  public TrainConfig withFineTuning(FineTuning f) {
    return new TrainConfig(epochs, batchSize, learningRate, momentum, weightDecay, milestones,
        patience, maxCuts, logEvery, checkpointEvery, keep, workers, prefetch, seed, valEvery, f);
  }

  public TrainConfig withValEvery(int steps) {
    return new TrainConfig(epochs, batchSize, learningRate, momentum, weightDecay, milestones,
        patience, maxCuts, logEvery, checkpointEvery, keep, workers, prefetch, seed, steps,
        fineTuning);
  }
}
