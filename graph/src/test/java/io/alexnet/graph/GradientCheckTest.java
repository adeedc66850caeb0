package io.alexnet.graph;

import io.alexnet.runtime.HostTensors;

import static org.junit.jupiter.api.Assertions.*;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.tensorflow.Graph;
import org.tensorflow.Output;
import org.tensorflow.Result;
import org.tensorflow.Session;
import org.tensorflow.Tensor;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.types.TBool;

/**
 * Graph gradients of the training loss against central finite differences, for every variable
 * of a small two-tower model in float64. The loss passes through every op kind the network uses:
 * conv, grouped conv, ReLU, LRN, overlapping max-pool, matmul, dropout (mask fed, so fixed) and
 * softmax cross-entropy. Each variable is checked along a random direction d:
 * (L(w + h d) - L(w - h d)) / 2h against the dot product of the gradient with d. And the staged
 * backward pass, with its hand-written LRN and ReLU steps, against TensorFlow's own one-pass
 * gradient of the same graph (right here, because training writes LRN out; only slower).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class GradientCheckTest {
  static final int BATCH = 3;
  Graph graph;
  Session session;
  AlexNet net;
  List<Output<?>> lrnAware;
  List<Output<?>> builtIn;
  final List<Tensor> feeds = new ArrayList<>();

  /** The model checked: the paper's, small and in float64. */
  ModelConfig config() {
    return ModelConfig.builder().width(0.1).imageSize(67).classes(5)
        .floatType(FloatType.FLOAT64).init(WeightInit.HE).hiddenBias(0.1).seed(3).build();
  }

  @BeforeAll
  void build() {
    graph = new Graph();
    net = AlexNet.build(graph, config(), AlexNet.Mode.TRAIN);
    lrnAware = LrnAwareGradients.ofLoss(graph, net);
    // TensorFlow's own gradient in one pass, an independent reference.
    builtIn = List.of(graph.addGradients("builtin", new Output<?>[] {net.loss()},
        net.params().stream().map(Param::output).toArray(Output<?>[]::new), null));
    session = new Session(graph);

    Random rnd = new Random(17);
    // Inputs large enough that LRN's denominator departs from k: its gradient then matters.
    feeds.add(HostTensors.of(FloatType.FLOAT64, Shape.of(BATCH, 67, 67, 3),
        rnd.doubles(BATCH * 67 * 67 * 3, -20, 20).toArray()));
    feeds.add(HostTensors.of(Shape.of(BATCH), new int[] {0, 3, 4}));
    feeds.add(TBool.scalarOf(true));
    for (Output<?> m : net.dropoutMasks()) {
      long n = m.shape().get(1);
      double[] mask = new double[(int) (BATCH * n)];
      for (int i = 0; i < mask.length; i++) {
        mask[i] = rnd.nextBoolean() ? 1 : 0;
      }
      feeds.add(HostTensors.of(FloatType.FLOAT64, Shape.of(BATCH, n), mask));
    }
  }

  @AfterAll
  void close() {
    feeds.forEach(Tensor::close);
    session.close();
    graph.close();
  }

  Session.Runner runner() {
    Session.Runner r = session.runner()
        .feed(net.images(), feeds.get(0)).feed(net.labels(), feeds.get(1))
        .feed(net.training(), feeds.get(2));
    for (int i = 0; i < net.dropoutMasks().size(); i++) {
      r.feed(net.dropoutMasks().get(i), feeds.get(3 + i));
    }
    return r;
  }

  double lossWith(Param p, double[] w) {
    try (Tensor t = HostTensors.of(FloatType.FLOAT64, p.shape(), w);
        Result r = runner().feed(p.output(), t).fetch(net.loss()).run()) {
      return HostTensors.doubles(r.get(0))[0];
    }
  }

  /** [finite difference, analytic] directional derivatives for parameter i. */
  double[] directional(int i, List<Output<?>> grads) {
    Param p = net.params().get(i);
    double[] w, g;
    try (Result r = runner().fetch(p.output()).fetch(grads.get(i)).run()) {
      w = HostTensors.doubles(r.get(0));
      g = HostTensors.doubles(r.get(1));
    }
    Random rnd = new Random(100 + i);
    double[] d = new double[w.length];
    double norm = 0;
    for (int k = 0; k < d.length; k++) {
      d[k] = rnd.nextGaussian();
      norm += d[k] * d[k];
    }
    norm = Math.sqrt(norm);
    double analytic = 0;
    for (int k = 0; k < d.length; k++) {
      d[k] /= norm;
      analytic += g[k] * d[k];
    }
    // Small enough that no ReLU or max-pool switches inside the step; float64 throughout
    // (training's LRN is written out in the network's precision) keeps rounding far below.
    double h = 1e-5;
    double[] plus = w.clone(), minus = w.clone();
    for (int k = 0; k < d.length; k++) {
      plus[k] += h * d[k];
      minus[k] -= h * d[k];
    }
    double fd = (lossWith(p, plus) - lossWith(p, minus)) / (2 * h);
    return new double[] {fd, analytic};
  }

  @Test
  void everyVariableHasAGradientThatMatchesFiniteDifferences() {
    assertEquals(net.params().size(), lrnAware.size());
    StringBuilder report = new StringBuilder();
    List<String> bad = new ArrayList<>();
    for (int i = 0; i < net.params().size(); i++) {
      double[] fa = directional(i, lrnAware);
      double err = Math.abs(fa[0] - fa[1]) / Math.max(Math.abs(fa[0]), 1e-4);
      report.append(String.format("%-18s fd %+.6e  graph %+.6e  rel %.1e%n",
          net.params().get(i).name(), fa[0], fa[1], err));
      if (err > 1e-6) {
        bad.add(net.params().get(i).name());
      }
    }
    System.out.print(report);
    assertTrue(bad.isEmpty(), "gradients off for " + bad + "\n" + report);
  }

  @Test
  void stagedBackwardPassEqualsTensorflowsOnePassGradient() {
    for (int i = 0; i < net.params().size(); i++) {
      try (Result r = runner().fetch(lrnAware.get(i)).fetch(builtIn.get(i)).run()) {
        double[] ours = HostTensors.doubles(r.get(0)), theirs = HostTensors.doubles(r.get(1));
        double worst = 0, scale = 0;
        for (int k = 0; k < ours.length; k++) {
          worst = Math.max(worst, Math.abs(ours[k] - theirs[k]));
          scale = Math.max(scale, Math.abs(theirs[k]));
        }
        assertTrue(scale > 0, net.params().get(i).name() + " has an all-zero gradient");
        assertTrue(worst <= 1e-9 * scale,
            net.params().get(i).name() + ": max difference " + worst + " of " + scale);
      }
    }
  }
}
