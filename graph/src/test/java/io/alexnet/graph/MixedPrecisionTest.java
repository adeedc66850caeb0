package io.alexnet.graph;

import io.alexnet.runtime.HostTensors;

import static org.junit.jupiter.api.Assertions.*;

import io.alexnet.runtime.Arithmetic;
import io.alexnet.runtime.Machine;
import io.alexnet.runtime.OpPrecisions;
import io.alexnet.runtime.Precision;
import io.alexnet.runtime.SessionOptions;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.tensorflow.Graph;
import org.tensorflow.Result;
import org.tensorflow.Session;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.types.TFloat32;

/**
 * The inference network in a bfloat16 session against the same weights in float32: every
 * layer agrees to bfloat16's rounding, and the executed graph shows the convolutions and
 * matrix products in bfloat16. Runs where this machine computes bfloat16 natively.
 */
class MixedPrecisionTest {
  static final int N = 4;
  static final int SIZE = 67;

  @BeforeEach
  void needsBfloat16() {
    Assumptions.assumeTrue(Machine.current().arithmetic(Precision.AUTO) == Arithmetic.BFLOAT16,
        "no native bfloat16 here: " + Machine.current().describe());
  }

  static ModelConfig model() {
    return ModelConfig.builder().width(0.25).imageSize(SIZE).classes(10).init(WeightInit.HE)
        .hiddenBias(0.1).seed(7).build();
  }

  /** Every listed layer's output for the same images and weights, in {@code a}. */
  static float[][] layers(Arithmetic a, List<String> names, OpPrecisions[] census) {
    try (Graph g = new Graph()) {
      AlexNet net = AlexNet.build(g, model().withArithmetic(a), AlexNet.Mode.INFERENCE);
      Random rnd = new Random(3);
      float[] x = new float[N * SIZE * SIZE * 3];
      for (int i = 0; i < x.length; i++) {
        x[i] = (float) rnd.nextGaussian();
      }
      try (Session s = new Session(g, SessionOptions.DEFAULT.configProto(a));
          TFloat32 images = HostTensors.of(Shape.of(N, SIZE, SIZE, 3), x)) {
        s.initialize(); // the same seeded initial weights in both graphs
        Session.Runner run = s.runner().feed(net.images(), images)
            .setOptions(OpPrecisions.RUN_OPTIONS);
        for (String name : names) {
          run.fetch(net.outputs(name).get(0));
        }
        try (Result r = run.runAndFetchMetadata()) {
          census[0] = OpPrecisions.of(r.getMetadata().orElseThrow());
          float[][] out = new float[names.size()][];
          for (int i = 0; i < names.size(); i++) {
            out[i] = HostTensors.floats((TFloat32) r.get(i));
          }
          return out;
        }
      }
    }
  }

  @Test
  void everyLayerAgreesWithFloat32ToBfloat16Rounding() {
    List<String> names = List.of("conv1", "conv2", "conv5", "fc6", "fc8");
    OpPrecisions[] exact = new OpPrecisions[1], mixed = new OpPrecisions[1];
    float[][] f = layers(Arithmetic.FLOAT32, names, exact);
    float[][] b = layers(Arithmetic.BFLOAT16, names, mixed);
    for (int l = 0; l < names.size(); l++) {
      double num = 0, den = 0;
      for (int i = 0; i < f[l].length; i++) {
        num += (f[l][i] - b[l][i]) * (double) (f[l][i] - b[l][i]);
        den += f[l][i] * (double) f[l][i];
      }
      // bfloat16 keeps 8 significant bits: about 0.4% per rounding; a wrong kernel is off by
      // tens of percent (conv1's three channels were, before the pad).
      double rel = Math.sqrt(num / den);
      assertTrue(rel < 0.02, names.get(l) + " differs from float32 by " + rel);
    }
    assertEquals(0, exact[0].count("bfloat16"), exact[0].format());
    assertTrue(mixed[0].count("bfloat16", "conv2d") >= 10, mixed[0].format());
    assertTrue(mixed[0].count("bfloat16", "matmul") >= 5, mixed[0].format());
    // The variables stay float32.
    assertEquals(exact[0].count("float32", "VariableV2"),
        mixed[0].count("float32", "VariableV2"), mixed[0].format());
  }
}
