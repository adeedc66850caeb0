package io.alexnet.graph;

import java.util.ArrayList;
import java.util.List;
import org.tensorflow.Graph;
import org.tensorflow.Output;

/**
 * Graph gradients of a scalar with respect to the network's variables, with the backward steps
 * of the {@link HandGradient} layers (LRN, and the ReLU after each convolution) written by hand.
 *
 * <p>TensorFlow's C API differentiates a graph in one pass with the registered gradients, and TF
 * Java cannot replace a registered gradient. So the backward pass is built in stages: graph
 * gradients from the loss down to the outputs of the topmost hand-differentiated layers, their
 * own backward steps, then graph gradients from those layers' inputs downwards with that as the
 * upstream gradient, and so on to the input. No op is differentiated twice, so this costs nothing
 * over a single pass.
 */
public final class LrnAwareGradients {
  private LrnAwareGradients() {}

  /** Name prefix of the ops {@link #ofLoss} adds. */
  public static final String PREFIX = "gradients";

  /** d y / d p for every p in {@code params}, in the same order. */
  public static List<Output<?>> of(Graph graph, Output<?> y, List<Param> params,
      List<? extends HandGradient> cuts, String prefix) {
    return of(graph, y, params, cuts, prefix, null);
  }

  /**
   * d (seed y) / d p for every p in {@code params}: with {@code seed} a scalar of y's type (a
   * loss scale), every gradient comes out multiplied by it; null for 1.
   */
  public static List<Output<?>> of(Graph graph, Output<?> y, List<Param> params,
      List<? extends HandGradient> cuts, String prefix, Output<?> seed) {
    int stages = cuts.stream().mapToInt(HandGradient::stage).max().orElse(-1) + 1;
    Output<?>[] grads = new Output<?>[params.size()];
    Output<?>[] ys = {y};
    Output<?>[] dys = seed == null ? null : new Output<?>[] {seed};
    for (int s = stages; s >= 0; s--) {
      // Variables between the cut layers of stage s-1 and stage s (or the loss), then the
      // outputs of stage s-1's layers.
      List<Integer> mine = new ArrayList<>();
      List<Output<?>> xs = new ArrayList<>();
      for (int i = 0; i < params.size(); i++) {
        if (params.get(i).stage() == s) {
          mine.add(i);
          xs.add(params.get(i).output());
        }
      }
      int stage = s - 1;
      List<? extends HandGradient> below = cuts.stream().filter(c -> c.stage() == stage).toList();
      below.forEach(c -> xs.add(c.output()));
      if (xs.isEmpty()) {
        continue;
      }
      Output<?>[] g = passThrough(ys, dys, xs);
      if (g == null) {
        g = graph.addGradients(prefix + "_" + s, ys, xs.toArray(new Output<?>[0]), dys);
      }
      for (int k = 0; k < mine.size(); k++) {
        grads[mine.get(k)] = g[k];
      }
      ys = new Output<?>[below.size()];
      dys = new Output<?>[below.size()];
      for (int k = 0; k < below.size(); k++) {
        HandGradient c = below.get(k);
        ys[k] = c.input();
        dys[k] = c.inputGradient(graph, g[mine.size() + k], prefix + "_" + c.kind() + stage);
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
    return ofLoss(graph, net, null);
  }

  /** The same, multiplied by {@code seed} (null for 1). */
  public static List<Output<?>> ofLoss(Graph graph, AlexNet net, Output<?> seed) {
    return of(graph, net.loss(), net.params(), net.handGradients(), PREFIX, seed);
  }

  /**
   * When two cut layers follow each other (conv1's ReLU, then its LRN), the lower one's output is
   * the upper one's input: its gradient is the one already there, with nothing to differentiate.
   */
  private static Output<?>[] passThrough(Output<?>[] ys, Output<?>[] dys, List<Output<?>> xs) {
    if (dys == null || xs.size() != ys.length) {
      return null;
    }
    Output<?>[] g = new Output<?>[xs.size()];
    for (int k = 0; k < xs.size(); k++) {
      for (int j = 0; j < ys.length && g[k] == null; j++) {
        g[k] = xs.get(k).equals(ys[j]) ? dys[j] : null;
      }
      if (g[k] == null) {
        return null;
      }
    }
    return g;
  }
}
