package io.alexnet.eval;

/**
 * How an evaluation runs.
 *
 * @param batchSize images per run of the network (with ten crops, ten patches count as ten)
 * @param workers threads that decode and pre-process images ahead of the network
 * @param crops 1 (the central crop) or 10 (Section 4.1's test: the four corner and the central
 *     patches and their reflections, softmax outputs averaged)
 */
public record EvalOptions(int batchSize, int workers, int crops) implements java.io.Serializable {
  /** Central crops, 64 a batch, two decoding threads. */
  public static final EvalOptions DEFAULT = new EvalOptions(64, 2, 1);

  public EvalOptions {
    if (crops != 1 && crops != 10) {
      throw new IllegalArgumentException("evaluation takes 1 or 10 crops, not " + crops);
    }
    if (batchSize < 1 || workers < 1) {
      throw new IllegalArgumentException("evaluation needs a batch size and workers of at"
          + " least 1, got " + batchSize + " and " + workers);
    }
  }

  public EvalOptions withCrops(int n) {
    return new EvalOptions(batchSize, workers, n);
  }
}
