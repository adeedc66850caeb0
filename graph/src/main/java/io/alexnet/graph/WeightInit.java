package io.alexnet.graph;

/** How the weights are drawn. Biases are set by {@link ModelConfig#hiddenBias()}. */
public enum WeightInit {
  /** Section 5: zero-mean Gaussian with standard deviation 0.01 for every layer. */
  PAPER,
  /**
   * Zero-mean Gaussian with variance 2 / fan-in (He et al. 2015). Not the paper's; measured here
   * to train on Fashion-MNIST from scratch where the paper's constant 0.01 went to NaN or stayed
   * at chance.
   */
  HE;

  public static WeightInit parse(String s) {
    try {
      return valueOf(s.trim().toUpperCase());
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("unknown init '" + s + "': expected 'paper' or 'he'");
    }
  }

  double stddev(long fanIn) {
    return this == PAPER ? 0.01 : Math.sqrt(2.0 / fanIn);
  }
}
