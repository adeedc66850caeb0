package io.alexnet.graph;

import static org.junit.jupiter.api.Assertions.*;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
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
 * (L(w + h d) - L(w - h d)) / 2h against the dot product of the gradient with d.
 */
class GradientCheckTest {
  static final int BATCH = 3;
  static Graph graph;
  static Session session;
  static AlexNet net;
  static List<Output<?>> lrnAware;
  static List<Output<?>> builtIn;
  static final List<Tensor> feeds = new ArrayList<>();

  @BeforeAll
  static void build() {
    graph = new Graph();
    ModelConfig cfg = ModelConfig.builder().width(0.1).imageSize(67).classes(5)
        .precision(Precision.FLOAT64).init(WeightInit.HE).hiddenBias(0.1).seed(3).build();
    net = AlexNet.build(graph, cfg, AlexNet.Mode.TRAIN);
    lrnAware = LrnAwareGradients.ofLoss(graph, net);
    // TensorFlow's own gradient in one pass, for the canary below.
    builtIn = List.of(graph.addGradients("builtin", new Output<?>[] {net.loss()},
        net.params().stream().map(Param::output).toArray(Output<?>[]::new), null));
    session = new Session(graph);

    Random rnd = new Random(17);
    // Inputs large enough that LRN's denominator departs from k: its gradient then matters.
    feeds.add(HostTensors.of(Precision.FLOAT64, Shape.of(BATCH, 67, 67, 3),
        rnd.doubles(BATCH * 67 * 67 * 3, -20, 20).toArray()));
    feeds.add(HostTensors.of(Shape.of(BATCH), new int[] {0, 3, 4}));
    feeds.add(TBool.scalarOf(true));
    for (Output<?> m : net.dropoutMasks()) {
      long n = m.shape().get(1);
      double[] mask = new double[(int) (BATCH * n)];
      for (int i = 0; i < mask.length; i++) {
        mask[i] = rnd.nextBoolean() ? 1 : 0;
      }
      feeds.add(HostTensors.of(Precision.FLOAT64, Shape.of(BATCH, n), mask));
    }
  }

  @AfterAll
  static void close() {
    feeds.forEach(Tensor::close);
    session.close();
    graph.close();
  }

  static Session.Runner runner() {
    Session.Runner r = session.runner()
        .feed(net.images(), feeds.get(0)).feed(net.labels(), feeds.get(1))
        .feed(net.training(), feeds.get(2));
    for (int i = 0; i < net.dropoutMasks().size(); i++) {
      r.feed(net.dropoutMasks().get(i), feeds.get(3 + i));
    }
    return r;
  }

  static double lossWith(Param p, double[] w) {
    try (Tensor t = HostTensors.of(Precision.FLOAT64, p.shape(), w);
        Result r = runner().feed(p.output(), t).fetch(net.loss()).run()) {
      return HostTensors.doubles(r.get(0))[0];
    }
  }

  /** [finite difference, analytic] directional derivatives for parameter i. */
  static double[] directional(int i, List<Output<?>> grads) {
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
    // h balances two errors below the LRN layers, whose kernels are float32-only: rounding
    // there (h = 1e-5 gives errors of 1e-1) and ReLU or max-pool switching inside the step
    // (h = 1e-2 gives 1e-1). 1e-3 was the best of the three, at most 1e-2.
    double h = 1e-3;
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
      // Above the LRN layers everything is float64: agreement to 1e-6. Below them, float32
      // LRN limits it to 2e-2, still far from the 50%+ error of TensorFlow's own LRN gradient;
      // LrnTest checks the LRN gradient itself against the exact derivative to 1e-5.
      double tol = net.params().get(i).lrnStage() < net.lrnLayers() ? 2e-2 : 1e-6;
      if (err > tol) {
        bad.add(net.params().get(i).name());
      }
    }
    System.out.print(report);
    assertTrue(bad.isEmpty(), "gradients off for " + bad + "\n" + report);
  }

  /**
   * The trap this project works around: TensorFlow's registered LRN gradient ignores the op's
   * constants, so a one-pass graph gradient is wrong below the LRN layers. If this starts to
   * fail, TensorFlow fixed it and LrnAwareGradients could become a single addGradients call.
   */
  @Test
  void tensorflowsOwnLrnGradientIsWrongForThePapersConstants() {
    int conv1 = 0;
    assertEquals("conv1/A/weights", net.params().get(conv1).name());
    double[] fa = directional(conv1, builtIn);
    double err = Math.abs(fa[0] - fa[1]) / Math.abs(fa[0]);
    assertTrue(err > 0.05, "built-in LRN gradient unexpectedly agrees: rel error " + err);
    // Above the LRN layers the two agree (fc8 is reached without crossing an LRN).
    int fc8 = net.params().size() - 2;
    double[] a = directional(fc8, builtIn);
    double[] b = directional(fc8, lrnAware);
    assertEquals(a[1], b[1], 1e-9 * Math.abs(a[1]));
  }
}
