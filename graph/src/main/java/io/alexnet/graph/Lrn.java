package io.alexnet.graph;

import org.tensorflow.Graph;
import org.tensorflow.Operand;
import org.tensorflow.Output;
import org.tensorflow.op.Ops;
import org.tensorflow.types.family.TFloating;

/**
 * Local response normalization across channels (Section 3.3), one tower's op, with what its
 * backward step needs. With the window N(i) of {@code depthRadius} channels on each side of i
 * (the paper's n = 2 * depthRadius + 1; the sum is multiplied by alpha, not divided by n):
 *
 * <pre>
 *   n_i = k + alpha * sum over j in N(i) of x_j^2,   y_i = x_i * n_i^-beta
 * </pre>
 *
 * <p>The forward is the formula spelled out in the network's precision: the window sum as a
 * MatMul with a banded channels x channels matrix, n^-beta as rsqrt and sqrt, and n and n^-beta
 * kept for the backward step. TensorFlow's own LRN op is not used: its registered gradient
 * drops the op's constants (wrong for the paper's), its LRNGrad kernel recomputes n with a
 * per-element pow, TF Java cannot replace a registered gradient, and forward it is slower
 * (its window sum runs through Eigen in small blocks and its power as exp(log(n) * -beta)).
 *
 * @param norm n, as [pixels, channels] rows
 * @param scale n^-beta, as [pixels, channels] rows
 */
public record Lrn(
    int stage,
    Output<? extends TFloating> input,
    Output<? extends TFloating> output,
    Output<? extends TFloating> norm,
    Output<? extends TFloating> scale,
    long depthRadius,
    float bias,
    float alpha,
    float beta) implements HandGradient {

  /** The formula written out with constants {@code s}, in {@code x}'s precision. */
  static Lrn writtenOut(Ops o, int stage, Operand<TFloating> x, LrnSettings s) {
    long[] d = x.shape().asArray();
    int c = (int) d[3];
    Class<TFloating> type = x.type();
    var rows = o.reshape(x, o.constant(new long[] {-1, c}));
    // + k as a bias, so that oneDNN fuses it into the MatMul.
    var k = o.fill(o.constant(new int[] {c}), o.dtypes.cast(o.constant((double) s.bias()), type));
    var n = o.nn.biasAdd(
        o.linalg.matMul(o.math.square(rows), band(o, c, s.depthRadius(), s.alpha(), type)), k);
    Operand<TFloating> scale = power(o, n, s.beta());
    var y = o.reshape(o.math.mul(rows, scale), o.constant(new long[] {-1, d[1], d[2], c}));
    return new Lrn(stage, x.asOutput(), y.asOutput(), n.asOutput(), scale.asOutput(),
        s.depthRadius(), s.bias(), s.alpha(), s.beta());
  }

  @Override
  public String kind() {
    return "lrn";
  }

  /**
   * With n and n^-beta from the forward pass, differentiating y = x * n^-beta:
   *
   * <pre>
   *   dx_i = dy_i * n_i^-beta - 2 * alpha * beta * x_i * sum over j in N(i) of dy_j * y_j / n_j
   * </pre>
   *
   * one MatMul (the window sum) and five elementwise ops, with nothing of the forward pass
   * recomputed (see BENCHMARKS.md for what that saves over TensorFlow's LRNGrad).
   */
  @Override
  @SuppressWarnings("unchecked")
  public Output<?> inputGradient(Graph graph, Output<?> upstream, String scope) {
    Ops o = besideForward(graph, scope);
    int c = (int) input.shape().get(3);
    Class<TFloating> type = (Class<TFloating>) input.type();
    var rowShape = o.constant(new long[] {-1, c});
    var x = o.reshape((Operand<TFloating>) input, rowShape);
    var y = o.reshape((Operand<TFloating>) output, rowShape);
    var g = o.reshape((Operand<TFloating>) upstream, rowShape);
    var n = (Operand<TFloating>) norm;
    var window = o.linalg.matMul(o.math.div(o.math.mul(g, y), n),
        band(o, c, depthRadius, 2.0 * alpha * beta, type));
    var dx = o.math.sub(o.math.mul(g, (Operand<TFloating>) scale), o.math.mul(x, window));
    return o.reshape(dx, o.shape(input)).asOutput();
  }

  /** n^-beta; for the paper's 0.75 as rsqrt(n) * sqrt(rsqrt(n)), cheaper than exp(log(n)). */
  private static Operand<TFloating> power(Ops o, Operand<TFloating> n, float beta) {
    if (beta == 0.75f) {
      var r = o.math.rsqrt(n);
      return o.math.mul(r, o.math.sqrt(r));
    }
    return o.math.pow(n, o.dtypes.cast(o.constant(-(double) beta), n.type()));
  }

  /** value * (1 where |i - j| <= radius): a window sum across channels as a MatMul. */
  private static Operand<TFloating> band(Ops o, int c, long radius, double value,
      Class<TFloating> type) {
    double[][] b = new double[c][c];
    for (int i = 0; i < c; i++) {
      for (int j = (int) Math.max(0, i - radius); j <= Math.min(c - 1, i + radius); j++) {
        b[i][j] = value;
      }
    }
    return o.dtypes.cast(o.constant(b), type);
  }
}
