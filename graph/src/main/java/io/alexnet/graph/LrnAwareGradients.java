package io.alexnet.graph;

import java.util.ArrayList;
import java.util.List;
import org.tensorflow.Graph;
import org.tensorflow.GraphOperation;
import org.tensorflow.Operand;
import org.tensorflow.Output;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.family.TFloating;

/**
 * Graph gradients of a scalar with respect to the network's variables, correct through LRN.
 *
 * <p>TensorFlow's registered C++ gradient for LRN builds LRNGrad without the forward op's
 * depth_radius, bias, alpha and beta, so with the paper's constants it is silently wrong (conv1
 * and conv2 weight gradients off by more than half), and TF Java cannot replace an already
 * registered gradient. So the backward pass is built in pieces: graph gradients from the loss
 * down to the outputs of the last LRN layer, the LRN gradient with the forward op's own
 * constants ({@link #inputGradient}), then
 * graph gradients from the LRN inputs downwards with that as the upstream gradient, and so on.
 * No op is differentiated twice, so this costs nothing over a single pass.
 */
public final class LrnAwareGradients {
  private LrnAwareGradients() {}

  /** Name prefix of the ops {@link #ofLoss} adds. */
  public static final String PREFIX = "gradients";

  /** d y / d p for every p in {@code params}, in the same order. */
  public static List<Output<?>> of(
      Graph graph, Output<?> y, List<Param> params, List<Lrn> lrns, String prefix) {
    int stages = lrns.stream().mapToInt(Lrn::stage).max().orElse(-1) + 1;
    Output<?>[] grads = new Output<?>[params.size()];
    Output<?>[] ys = {y};
    Output<?>[] dys = null;
    for (int s = stages; s >= 0; s--) {
      // Variables between LRN layer s-1 and LRN layer s (or the loss), and that layer's outputs.
      List<Integer> mine = new ArrayList<>();
      List<Output<?>> xs = new ArrayList<>();
      for (int i = 0; i < params.size(); i++) {
        if (params.get(i).lrnStage() == s) {
          mine.add(i);
          xs.add(params.get(i).output());
        }
      }
      int stage = s - 1;
      List<Lrn> below = lrns.stream().filter(l -> l.stage() == stage).toList();
      below.forEach(l -> xs.add(l.output()));
      if (xs.isEmpty()) {
        continue;
      }
      Output<?>[] g = graph.addGradients(prefix + "_" + s, ys, xs.toArray(new Output<?>[0]), dys);
      for (int k = 0; k < mine.size(); k++) {
        grads[mine.get(k)] = g[k];
      }
      if (below.isEmpty()) {
        continue;
      }
      ys = new Output<?>[below.size()];
      dys = new Output<?>[below.size()];
      for (int k = 0; k < below.size(); k++) {
        Lrn l = below.get(k);
        Output<?> dx = inputGradient(graph, l, g[mine.size() + k], prefix + "_lrn" + stage);
        if (l.preActivation() == null) {
          ys[k] = l.input();
          dys[k] = dx;
        } else {
          // Through the ReLU before the LRN too, reading the ReLU's output (x > 0 exactly where
          // relu(x) > 0): TF's own ReLU gradient would read its input, and a second reader of
          // the pre-activation stops oneDNN from fusing convolution, bias and ReLU.
          ys[k] = l.preActivation();
          dys[k] = reluGradient(graph, l, dx, prefix + "_lrn" + stage);
        }
      }
    }
    List<Output<?>> out = new ArrayList<>(params.size());
    for (int i = 0; i < grads.length; i++) {
      if (grads[i] == null) {
        throw new IllegalStateException("no gradient for " + params.get(i).name());
      }
      out.add(grads[i]);
    }
    return out;
  }

  /** Convenience: gradients of the network's loss with respect to all its variables. */
  public static List<Output<?>> ofLoss(Graph graph, AlexNet net) {
    return of(graph, net.loss(), net.params(), net.lrns(), PREFIX);
  }

  /**
   * The gradient at the LRN's input given the gradient at its output, from the forward op's own
   * constants. With n_i = k + alpha * sum of x_j^2 over the window around channel i (Section
   * 3.3) and y = x * n^-beta:
   *
   * <pre>
   *   dx_i = dy_i * n_i^-beta - 2 * alpha * beta * x_i * sum over the window around i of dy_j * y_j / n_j
   * </pre>
   *
   * The window sums are products with a banded channels x channels matrix, so this is two
   * MatMuls and a few elementwise ops: about three times faster on the CPU than TensorFlow's
   * LRNGrad kernel, which loops over the window per element. Computed in float32 (what the LRN
   * op runs in) whatever the network's precision.
   */
  public static Output<?> inputGradient(Graph graph, Lrn l, Output<?> upstream, String scope) {
    Ops o = besideForward(graph, l, scope);
    boolean is32 = upstream.type() == TFloat32.class;
    Operand<TFloat32> dy = is32 ? float32(upstream) : o.dtypes.cast(upstream, TFloat32.class);
    int c = (int) l.opInput().shape().get(l.opInput().shape().numDimensions() - 1);
    var rows = o.constant(new long[] {-1, c});
    var x = o.reshape(l.opInput(), rows);
    var y = o.reshape(l.opOutput(), rows);
    var g = o.reshape(dy, rows);
    var n = o.math.add(o.linalg.matMul(o.math.square(x), band(o, c, l.depthRadius(), l.alpha())),
        o.constant(l.bias()));
    Operand<TFloat32> scale;
    if (l.beta() == 0.75f) {
      // n^-0.75 as rsqrt(n) * sqrt(rsqrt(n)): two cheap instructions instead of exp(log(n)).
      var r = o.math.rsqrt(n);
      scale = o.math.mul(r, o.math.sqrt(r));
    } else {
      scale = o.math.pow(n, o.constant(-l.beta()));
    }
    var window = o.linalg.matMul(o.math.div(o.math.mul(g, y), n),
        band(o, c, l.depthRadius(), 2 * l.alpha() * l.beta()));
    var dx = o.reshape(o.math.sub(o.math.mul(g, scale), o.math.mul(x, window)),
        o.shape(l.opInput()));
    return is32 ? dx.asOutput() : o.dtypes.cast(dx, upstream.type()).asOutput();
  }

  @SuppressWarnings("unchecked")
  private static Output<?> reluGradient(Graph graph, Lrn l, Output<?> dy, String scope) {
    Ops o = besideForward(graph, l, scope);
    return o.nn.reluGrad((Operand<TFloating>) dy, (Operand<TFloating>) l.input()).asOutput();
  }

  /** Ops under {@code scope} on the device the forward LRN runs on. */
  private static Ops besideForward(Graph graph, Lrn l, String scope) {
    GraphOperation forward = (GraphOperation) l.opOutput().op();
    return Ops.create(graph).withDevice(DevicePlan.spec(forward.device())).withSubScope(scope);
  }

  /** value * (1 where |i - j| <= radius): a window sum across channels as a MatMul. */
  private static Operand<TFloat32> band(Ops o, int c, long radius, float value) {
    float[][] b = new float[c][c];
    for (int i = 0; i < c; i++) {
      for (int j = (int) Math.max(0, i - radius); j <= Math.min(c - 1, i + radius); j++) {
        b[i][j] = value;
      }
    }
    return o.constant(b);
  }

  @SuppressWarnings("unchecked")
  private static Operand<TFloat32> float32(Output<?> x) {
    return (Operand<TFloat32>) x;
  }
}
