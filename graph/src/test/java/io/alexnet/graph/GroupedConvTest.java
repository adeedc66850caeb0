package io.alexnet.graph;

import io.alexnet.runtime.HostTensors;

import static org.junit.jupiter.api.Assertions.*;

import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.tensorflow.Graph;
import org.tensorflow.Result;
import org.tensorflow.Session;
import org.tensorflow.Tensor;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TFloat64;

/**
 * The network's grouped conv2 (a convolution per tower over the tower's own maps) against one
 * ordinary convolution over all maps with a block-diagonal kernel, which is what a grouped
 * convolution means.
 */
class GroupedConvTest {

  @Test
  void groupedConvolutionEqualsAFullConvolutionWithBlockDiagonalKernel() {
    ModelConfig cfg = ModelConfig.builder().width(0.25).imageSize(67)
        .floatType(FloatType.FLOAT64).init(WeightInit.HE).build();
    double[] in, wA, wB, bA, bB, outA, outB;
    long[] inShape, wShape;
    try (Graph g = new Graph()) {
      AlexNet net = AlexNet.build(g, cfg, AlexNet.Mode.INFERENCE);
      var pool1 = net.outputs("pool1");
      var conv2 = net.outputs("conv2");
      Param pwA = param(net, "conv2/A/weights");
      Param pwB = param(net, "conv2/B/weights");
      Param pbA = param(net, "conv2/A/biases");
      Param pbB = param(net, "conv2/B/biases");
      inShape = pool1.get(0).shape().asArray();
      inShape[0] = 2;
      wShape = pwA.shape().asArray();
      Random rnd = new Random(5);
      double[] xa = rnd.doubles(Shape.of(inShape).size(), 0, 1).toArray();
      double[] xb = rnd.doubles(Shape.of(inShape).size(), 0, 1).toArray();
      try (Session s = new Session(g);
          Tensor ta = HostTensors.of(FloatType.FLOAT64, Shape.of(inShape), xa);
          Tensor tb = HostTensors.of(FloatType.FLOAT64, Shape.of(inShape), xb);
          Result r = s.runner().feed(pool1.get(0), ta).feed(pool1.get(1), tb)
              .fetch(conv2.get(0)).fetch(conv2.get(1)).fetch(pwA.output()).fetch(pwB.output())
              .fetch(pbA.output()).fetch(pbB.output()).run()) {
        outA = HostTensors.doubles(r.get(0));
        outB = HostTensors.doubles(r.get(1));
        wA = HostTensors.doubles(r.get(2));
        wB = HostTensors.doubles(r.get(3));
        bA = HostTensors.doubles(r.get(4));
        bB = HostTensors.doubles(r.get(5));
      }
      in = interleaveChannels(xa, xb, (int) inShape[3]);
    }

    int k = (int) wShape[0], cin = (int) wShape[2], cout = (int) wShape[3];
    // Block-diagonal kernel [k, k, 2*cin, 2*cout]: tower A's block, then tower B's, zeros between.
    double[] w = new double[k * k * 2 * cin * 2 * cout];
    for (int y = 0; y < k; y++) {
      for (int x = 0; x < k; x++) {
        for (int i = 0; i < cin; i++) {
          for (int o = 0; o < cout; o++) {
            int src = ((y * k + x) * cin + i) * cout + o;
            w[((y * k + x) * 2 * cin + i) * 2 * cout + o] = wA[src];
            w[((y * k + x) * 2 * cin + cin + i) * 2 * cout + cout + o] = wB[src];
          }
        }
      }
    }
    double[] bias = new double[2 * cout];
    System.arraycopy(bA, 0, bias, 0, cout);
    System.arraycopy(bB, 0, bias, cout, cout);

    long[] fullIn = inShape.clone();
    fullIn[3] = 2 * cin;
    try (Graph g = new Graph()) {
      Ops tf = Ops.create(g);
      var x = tf.constant(Shape.of(fullIn), org.tensorflow.ndarray.buffer.DataBuffers.of(in));
      var kernel = tf.constant(Shape.of(k, k, 2 * cin, 2 * cout),
          org.tensorflow.ndarray.buffer.DataBuffers.of(w));
      var y = tf.nn.relu(tf.nn.biasAdd(
          tf.nn.conv2d(x, kernel, List.of(1L, 1L, 1L, 1L), "SAME"), tf.constant(bias)));
      try (Session s = new Session(g); Result r = s.runner().fetch(y).run()) {
        double[] full = HostTensors.doubles((TFloat64) r.get(0));
        double[] grouped = interleaveChannels(outA, outB, cout);
        assertEquals(full.length, grouped.length);
        double nonzero = 0;
        for (int i = 0; i < full.length; i++) {
          assertEquals(full[i], grouped[i], 1e-9 * Math.max(1, Math.abs(full[i])), "at " + i);
          nonzero += full[i] != 0 ? 1 : 0;
        }
        assertTrue(nonzero > full.length / 4, "the comparison should not be of zeros");
      }
    }
  }

  private static Param param(AlexNet net, String name) {
    return net.params().stream().filter(p -> p.name().equals(name)).findFirst().orElseThrow();
  }

  /** Concatenates two NHWC arrays along channels. */
  private static double[] interleaveChannels(double[] a, double[] b, int c) {
    double[] out = new double[a.length + b.length];
    for (int p = 0; p < a.length / c; p++) {
      System.arraycopy(a, p * c, out, p * 2 * c, c);
      System.arraycopy(b, p * c, out, p * 2 * c + c, c);
    }
    return out;
  }
}
