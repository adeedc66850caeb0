package io.alexnet.graph;

import java.util.ArrayList;
import java.util.List;
import org.tensorflow.Graph;
import org.tensorflow.GraphOperation;
import org.tensorflow.Operand;
import org.tensorflow.Output;
import org.tensorflow.op.Ops;
import org.tensorflow.op.nn.LocalResponseNormalizationGrad;
import org.tensorflow.types.TFloat32;

/**
 * Graph gradients of a scalar with respect to the network's variables, correct through LRN.
 *
 * <p>TensorFlow's registered C++ gradient for LRN builds LRNGrad without the forward op's
 * depth_radius, bias, alpha and beta, so with the paper's constants it is silently wrong (conv1
 * and conv2 weight gradients off by more than half), and TF Java cannot replace an already
 * registered gradient. So the backward pass is built in pieces: graph gradients from the loss
 * down to the outputs of the last LRN layer, LRNGrad with the forward op's own constants, then
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
        ys[k] = l.input();
        dys[k] = inputGradient(graph, l, g[mine.size() + k], prefix + "_lrn" + stage);
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
   * The gradient at the LRN's input given the gradient at its output: LRNGrad with the forward
   * op's constants, in float32 (its only kernel) whatever the network's precision.
   */
  public static Output<?> inputGradient(Graph graph, Lrn l, Output<?> upstream, String scope) {
    GraphOperation forward = (GraphOperation) l.opOutput().op();
    Ops o = Ops.create(graph).withDevice(DevicePlan.spec(forward.device())).withSubScope(scope);
    boolean is32 = upstream.type() == TFloat32.class;
    Operand<TFloat32> dy = is32 ? float32(upstream) : o.dtypes.cast(upstream, TFloat32.class);
    Output<TFloat32> dx =
        o.nn
            .localResponseNormalizationGrad(
                dy,
                l.opInput(),
                l.opOutput(),
                LocalResponseNormalizationGrad.depthRadius(l.depthRadius()),
                LocalResponseNormalizationGrad.bias(l.bias()),
                LocalResponseNormalizationGrad.alpha(l.alpha()),
                LocalResponseNormalizationGrad.beta(l.beta()))
            .asOutput();
    return is32 ? dx : o.dtypes.cast(dx, upstream.type()).asOutput();
  }

  @SuppressWarnings("unchecked")
  private static Operand<TFloat32> float32(Output<?> x) {
    return (Operand<TFloat32>) x;
  }
}
