package io.alexnet.graph;

import io.alexnet.runtime.HostTensors;

import static org.junit.jupiter.api.Assertions.*;

import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.tensorflow.Graph;
import org.tensorflow.Output;
import org.tensorflow.Result;
import org.tensorflow.Session;
import org.tensorflow.Tensor;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.op.Ops;
import org.tensorflow.op.nn.LocalResponseNormalization;
import org.tensorflow.types.TFloat32;

/** The network's LRN against the paper's formula (Section 3.3) computed here in plain Java. */
class LrnTest {

  /** b_i = a_i / (k + alpha * sum_{j=max(0,i-n/2)}^{min(N-1,i+n/2)} a_j^2)^beta, per pixel. */
  static double[] paperLrn(double[] a, int channels, double k, int n, double alpha, double beta) {
    double[] b = new double[a.length];
    for (int p = 0; p < a.length; p += channels) {
      for (int i = 0; i < channels; i++) {
        b[p + i] = a[p + i] / Math.pow(denominator(a, p, i, channels, k, n, alpha), beta);
      }
    }
    return b;
  }

  /** k + alpha * sum of a_j^2 over the n channels around i, at the pixel starting at p. */
  static double denominator(double[] a, int p, int i, int channels, double k, int n,
      double alpha) {
    double sum = 0;
    for (int j = Math.max(0, i - n / 2); j <= Math.min(channels - 1, i + n / 2); j++) {
      sum += a[p + j] * a[p + j];
    }
    return k + alpha * sum;
  }

  /** Inference and training graphs both write the formula out; both must match it. */
  @ParameterizedTest
  @EnumSource(AlexNet.Mode.class)
  void networkLrnIsThePapersFormulaWithItsConstants(AlexNet.Mode mode) {
    try (Graph g = new Graph()) {
      AlexNet net = AlexNet.build(g,
          ModelConfig.builder().width(0.25).imageSize(67).build(), mode);
      assertEquals(4, net.lrns().size()); // two LRN layers, one op per tower
      Lrn lrn = net.lrns().get(1); // conv1's LRN on tower B
      long[] d = lrn.input().shape().asArray();
      int channels = (int) d[3];
      Shape shape = Shape.of(2, d[1], d[2], channels);
      // Post-ReLU activations large enough that alpha * sum is comparable to k: the
      // normalization then matters, and a wrong alpha, n or beta shows.
      double[] a = new Random(11).doubles(shape.size(), 0, 150).toArray();
      double[] want = paperLrn(a, channels, 2, 5, 1e-4, 0.75);
      try (Session s = new Session(g);
          Tensor in = HostTensors.of(FloatType.FLOAT32, shape, a);
          Result r = s.runner().feed(lrn.input(), in).fetch(lrn.output()).run()) {
        double[] got = HostTensors.doubles(r.get(0));
        double worst = 0;
        for (int i = 0; i < a.length; i++) {
          worst = Math.max(worst, Math.abs(got[i] - want[i]) / Math.max(Math.abs(want[i]), 1e-6));
        }
        assertTrue(worst < 1e-5, "worst relative error " + worst);
        // And the normalization is far from the identity here, so the check has teeth.
        assertTrue(want[5] < a[5] / 1.5, "LRN should shrink large activations");
      }
    }
  }

  /**
   * The exact derivative of the paper's formula: with D_i = k + alpha * sum_{j in N(i)} a_j^2,
   * dL/da_m = g_m D_m^-beta - 2 alpha beta a_m sum_{i : m in N(i)} g_i a_i D_i^(-beta-1).
   */
  static double[] paperLrnGradient(double[] a, double[] g, int channels, double k, int n,
      double alpha, double beta) {
    double[] dx = new double[a.length];
    double[] d = new double[channels];
    for (int p = 0; p < a.length; p += channels) {
      for (int i = 0; i < channels; i++) {
        d[i] = denominator(a, p, i, channels, k, n, alpha);
      }
      for (int m = 0; m < channels; m++) {
        double cross = 0;
        for (int i = Math.max(0, m - n / 2); i <= Math.min(channels - 1, m + n / 2); i++) {
          cross += g[p + i] * a[p + i] * Math.pow(d[i], -beta - 1);
        }
        dx[p + m] = g[p + m] * Math.pow(d[m], -beta) - 2 * alpha * beta * a[p + m] * cross;
      }
    }
    return dx;
  }

  @Test
  void lrnGradientIsTheExactDerivativeOfThePapersFormula() {
    try (Graph g = new Graph()) {
      Lrn lrn = conv2Lrn(g, AlexNet.Mode.TRAIN);
      var upstream = Ops.create(g).placeholder(TFloat32.class);
      Output<?> dx = lrn.inputGradient(g, upstream.asOutput(), "check");
      assertGradientIsThePapers(g, lrn.input(), upstream.asOutput(), dx, 1e-5);
    }
  }

  /** conv2's LRN on tower A of a small network built in {@code g}. */
  private static Lrn conv2Lrn(Graph g, AlexNet.Mode mode) {
    return AlexNet.build(g, ModelConfig.builder().width(0.25).imageSize(67).build(), mode)
        .lrns().get(2);
  }

  /** TensorFlow's LRN op with the paper's constants (what inference graphs used to run). */
  private static Output<TFloat32> tensorflowsLrn(Ops tf, Output<TFloat32> x) {
    return tf.nn.localResponseNormalization(x, LocalResponseNormalization.depthRadius(2L),
        LocalResponseNormalization.bias(2f), LocalResponseNormalization.alpha(1e-4f),
        LocalResponseNormalization.beta(0.75f)).asOutput();
  }

  /**
   * The written-out form against TensorFlow's LRN op on the same float32 input: they differ
   * only in rounding (rsqrt and sqrt against exp and log), so an evaluation's numbers stay
   * those TensorFlow's op gave, within float rounding.
   */
  @Test
  void writtenOutAgreesWithTensorflowsLrnOpToFloatRounding() {
    try (Graph g = new Graph()) {
      Lrn lrn = conv2Lrn(g, AlexNet.Mode.INFERENCE);
      @SuppressWarnings("unchecked")
      Output<TFloat32> reference = tensorflowsLrn(Ops.create(g),
          (Output<TFloat32>) (Output<?>) lrn.input());
      long[] d = lrn.input().shape().asArray();
      Shape shape = Shape.of(4, d[1], d[2], d[3]);
      double[] a = new Random(13).doubles(shape.size(), 0, 150).toArray();
      try (Session s = new Session(g);
          Tensor in = HostTensors.of(FloatType.FLOAT32, shape, a);
          Result r = s.runner().feed(lrn.input(), in).fetch(lrn.output()).fetch(reference)
              .run()) {
        double[] ours = HostTensors.doubles(r.get(0)), theirs = HostTensors.doubles(r.get(1));
        double worst = 0;
        for (int i = 0; i < a.length; i++) {
          worst = Math.max(worst, Math.abs(ours[i] - theirs[i]) / Math.max(theirs[i], 1e-6));
        }
        assertTrue(worst < 2e-6, "worst relative difference " + worst);
      }
    }
  }

  /**
   * Why the network does not use TensorFlow's gradient for its LRN op: the registered gradient
   * builds LRNGrad without the op's depth_radius, bias, alpha and beta. If this starts to fail,
   * TensorFlow fixed it.
   */
  @Test
  void tensorflowsRegisteredLrnGradientIgnoresTheConstants() {
    try (Graph g = new Graph()) {
      Ops tf = Ops.create(g);
      var x = tf.placeholder(TFloat32.class,
          org.tensorflow.op.core.Placeholder.shape(conv2Lrn(g, AlexNet.Mode.INFERENCE).input()
              .shape()));
      Output<TFloat32> y = tensorflowsLrn(tf, x.asOutput());
      var upstream = tf.placeholder(TFloat32.class);
      Output<?> dx = g.addGradients("builtin", new Output<?>[] {y},
          new Output<?>[] {x.asOutput()}, new Output<?>[] {upstream.asOutput()})[0];
      AssertionError wrong = assertThrows(AssertionError.class,
          () -> assertGradientIsThePapers(g, x.asOutput(), upstream.asOutput(), dx, 0.05));
      assertTrue(wrong.getMessage().contains("worst error"), wrong.getMessage());
    }
  }

  /** dx against {@link #paperLrnGradient} at activations large enough for LRN to matter. */
  static void assertGradientIsThePapers(Graph g, Output<?> input, Output<?> upstream,
      Output<?> dx, double tolerance) {
    long[] dims = input.shape().asArray();
    int channels = (int) dims[3];
    Shape shape = Shape.of(2, dims[1], dims[2], channels);
    Random rnd = new Random(12);
    double[] a = rnd.doubles(shape.size(), 0, 150).toArray();
    double[] up = rnd.doubles(shape.size(), -1, 1).toArray();
    double[] want = paperLrnGradient(a, up, channels, 2, 5, 1e-4, 0.75);
    try (Session s = new Session(g);
        Tensor in = HostTensors.of(FloatType.FLOAT32, shape, a);
        Tensor u = HostTensors.of(FloatType.FLOAT32, shape, up);
        Result r = s.runner().feed(input, in).feed(upstream, u).fetch(dx).run()) {
      double[] got = HostTensors.doubles(r.get(0));
      double worst = 0, scale = 0;
      for (double w : want) {
        scale = Math.max(scale, Math.abs(w));
      }
      for (int i = 0; i < a.length; i++) {
        worst = Math.max(worst, Math.abs(got[i] - want[i]) / scale);
      }
      assertTrue(worst < tolerance, "worst error relative to the largest gradient: " + worst);
    }
  }
}
