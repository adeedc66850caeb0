package io.alexnet.train;

/** Callbacks from the training loop (progress lines, CSV, TensorBoard, plots). */
public interface TrainingListener {

  /** One training step finished. */
  record Step(int epoch, long step, int batchInEpoch, int batchesPerEpoch, double loss,
      double batchTop1Error, double learningRate, double imagesPerSecond, double etaSeconds) {}

  /** One epoch finished, validation included. */
  record Epoch(int epoch, long step, double trainLoss, double trainTop1Error,
      double trainTop5Error, double valTop1Error, double valTop5Error, double learningRate,
      double seconds, int badExamples, boolean best, double dataWaitSeconds) {}

  /**
   * A validation inside an epoch ({@code --val-every}); {@code epochs} is how far training has
   * come, in epochs (2.5: half-way through the third).
   */
  record Validation(long step, double epochs, double top1Error, double top5Error) {}

  default void onStart(int startEpoch, long startStep) {}

  default void onValidation(Validation v) {}

  /** Something worth a line that is not a step or an epoch (e.g. waiting for a cluster). */
  default void onMessage(String message) {}

  default void onStep(Step s) {}

  default void onEpoch(Epoch e) {}

  default void onEnd(History h) {}
}
