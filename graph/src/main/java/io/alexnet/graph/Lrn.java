package io.alexnet.graph;

import org.tensorflow.Output;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.family.TFloating;

/**
 * One local response normalization op of the graph, with what its gradient needs: its input,
 * its output and its constants (Section 3.3). TensorFlow's own gradient for LRN drops the
 * constants, so {@link LrnAwareGradients} builds LRNGrad from these.
 *
 * <p>TensorFlow's LRN sums over {@code depthRadius} channels on each side and multiplies the sum
 * by {@code alpha} directly (no division by the window), which is the paper's formula with
 * n = 2 * depthRadius + 1.
 *
 * @param preActivation when the LRN's input is a ReLU's output, the ReLU's input (else null):
 *     the backward pass then goes through that ReLU itself, so that TensorFlow's ReLU gradient,
 *     which reads the ReLU's input, does not keep the convolution, bias and ReLU from being fused
 *     into one kernel
 */
public record Lrn(
    int stage,
    Output<? extends TFloating> input,
    Output<? extends TFloating> output,
    Output<TFloat32> opInput,
    Output<TFloat32> opOutput,
    Output<? extends TFloating> preActivation,
    long depthRadius,
    float bias,
    float alpha,
    float beta) {

  /** The paper's constants: k = 2, n = 5, alpha = 1e-4, beta = 0.75. */
  public static final long PAPER_DEPTH_RADIUS = 2;
  public static final float PAPER_BIAS = 2f;
  public static final float PAPER_ALPHA = 1e-4f;
  public static final float PAPER_BETA = 0.75f;
}
