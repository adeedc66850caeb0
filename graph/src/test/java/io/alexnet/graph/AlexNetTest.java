package io.alexnet.graph;

import io.alexnet.runtime.HostTensors;

import static org.junit.jupiter.api.Assertions.*;

import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.tensorflow.Graph;
import org.tensorflow.GraphOperation;
import org.tensorflow.Result;
import org.tensorflow.Session;
import org.tensorflow.Tensor;
import org.tensorflow.ndarray.Shape;

class AlexNetTest {

  /** Sum of the sizes of every VariableV2 in the graph: what a checkpoint would hold. */
  static long variableParams(Graph g) {
    long n = 0;
    for (Iterator<GraphOperation> it = g.operations(); it.hasNext(); ) {
      GraphOperation op = it.next();
      if (op.type().equals("VariableV2")) {
        n += op.output(0).shape().size();
      }
    }
    return n;
  }

  @Test
  void paperModelHasThePapersShapesAndExactParameterCount() {
    try (Graph g = new Graph()) {
      AlexNet net = AlexNet.build(g, ModelConfig.builder().build(), AlexNet.Mode.TRAIN);
      Map<String, List<Long>> shapes =
          net.layers().stream().collect(Collectors.toMap(LayerRow::name, LayerRow::outputShape));
      assertEquals(List.of(55L, 55L, 96L), shapes.get("conv1"));
      assertEquals(List.of(27L, 27L, 96L), shapes.get("pool1"));
      assertEquals(List.of(27L, 27L, 256L), shapes.get("conv2"));
      assertEquals(List.of(13L, 13L, 256L), shapes.get("pool2"));
      assertEquals(List.of(13L, 13L, 384L), shapes.get("conv3"));
      assertEquals(List.of(13L, 13L, 384L), shapes.get("conv4"));
      assertEquals(List.of(13L, 13L, 256L), shapes.get("conv5"));
      assertEquals(List.of(6L, 6L, 256L), shapes.get("pool5"));
      assertEquals(List.of(4096L), shapes.get("fc6"));
      assertEquals(List.of(4096L), shapes.get("fc7"));
      assertEquals(List.of(1000L), shapes.get("fc8"));
      assertEquals(List.of(-1L, 1000L), List.of(net.logits().shape().asArray()[0],
          net.logits().shape().asArray()[1]));

      // docs/PAPER.md: 60,965,224 trainable parameters with the groups.
      assertEquals(60_965_224L, variableParams(g));
      assertEquals(60_965_224L, net.parameterCount());
      // Each tower holds half of conv2's kernels, each seeing 48 maps: 5x5x48x128.
      assertTrue(net.params().stream().anyMatch(
          p -> p.name().equals("conv2/B/weights") && p.shape().equals(Shape.of(5, 5, 48, 128))),
          () -> net.params().stream().map(p -> p.name() + p.shape()).toList().toString());
      // conv3 is full: each tower's kernels see all 256 maps.
      assertTrue(net.params().stream().anyMatch(
          p -> p.name().equals("conv3/A/weights") && p.shape().equals(Shape.of(3, 3, 256, 192))));
      // About 0.72 G multiply-adds per image.
      assertEquals(0.72e9, net.multiplyAdds(), 0.01e9);
    }
  }

  @Test
  void oneTowerModelHasNoGroups() {
    try (Graph g = new Graph()) {
      AlexNet net =
          AlexNet.build(g, ModelConfig.builder().variant(Variant.ONE_TOWER).build(),
              AlexNet.Mode.INFERENCE);
      // Same layer sizes, no groups: conv2, conv4 and conv5 see every map below them.
      assertEquals(62_378_344L, variableParams(g));
      assertTrue(net.params().stream().anyMatch(
          p -> p.name().equals("conv2/weights") && p.shape().equals(Shape.of(5, 5, 96, 256))));
      assertEquals(List.of(6L, 6L, 256L), net.layers().stream()
          .filter(r -> r.name().equals("pool5")).findFirst().orElseThrow().outputShape());
    }
  }

  @Test
  void inferenceGraphHasNoDropoutNorLoss() {
    try (Graph g = new Graph()) {
      AlexNet net = AlexNet.build(g, ModelConfig.builder().width(0.25).build(),
          AlexNet.Mode.INFERENCE);
      assertTrue(net.dropoutMasks().isEmpty());
      assertThrows(IllegalStateException.class, net::loss);
      assertNull(g.operation("dropout6/A/mask"));
      assertNotNull(g.operation(AlexNet.PROBABILITIES));
    }
  }

  /**
   * The full paper model (two towers, 227x227, 1000 classes; He-initialized so its logits are
   * far from flat) gives the logits a plain-Java transcription of the paper computes in
   * doubles, and its probabilities are a distribution per image.
   */
  @Test
  void fullSizeForwardPassMatchesThePaperWrittenOutInJava() {
    try (Graph g = new Graph()) {
      AlexNet net = AlexNet.build(g, ModelConfig.builder().init(WeightInit.HE).hiddenBias(0.1)
          .seed(4).build(), AlexNet.Mode.INFERENCE);
      float[] px = new float[227 * 227 * 3];
      Random rnd = new Random(3);
      for (int i = 0; i < px.length; i++) {
        px[i] = (float) (rnd.nextGaussian() + (i % 3 - 1) * 0.3);
      }
      try (Session s = new Session(g)) {
        s.initialize();
        java.util.Map<String, float[]> vars = new java.util.HashMap<>();
        for (Param p : net.params()) {
          try (Result r = s.runner().fetch(p.output()).run()) {
            vars.put(p.name(), HostTensors.floats((org.tensorflow.types.TFloat32) r.get(0)));
          }
        }
        float[] logits, probs;
        try (Tensor images = HostTensors.of(Shape.of(1, 227, 227, 3), px);
            Result r = s.runner().feed(net.images(), images).fetch(net.logits())
                .fetch(net.probabilities()).run()) {
          logits = HostTensors.floats((org.tensorflow.types.TFloat32) r.get(0));
          probs = HostTensors.floats((org.tensorflow.types.TFloat32) r.get(1));
        }
        double[] want = new ReferenceAlexNet(vars).logits(px);
        assertEquals(1000, logits.length);
        double spread = 0;
        for (double v : want) {
          spread = Math.max(spread, Math.abs(v));
        }
        assertTrue(spread > 1, "logits too flat to tell anything apart: " + spread);
        for (int c = 0; c < 1000; c++) {
          assertEquals(want[c], logits[c], 1e-4 * spread, "logit " + c);
        }
        double[] p = ReferenceAlexNet.softmax(want);
        double sum = 0;
        for (int c = 0; c < 1000; c++) {
          assertEquals(p[c], probs[c], 1e-5, "probability " + c);
          sum += probs[c];
        }
        assertEquals(1.0, sum, 1e-4);
      }
    }
  }

  @Test
  void sameSeedSameWeightsOtherSeedOtherWeights() {
    double[] a = firstWeights(7);
    double[] b = firstWeights(7);
    double[] c = firstWeights(8);
    assertArrayEquals(a, b);
    assertFalse(java.util.Arrays.equals(a, c));
    // Section 5: N(0, 0.01^2).
    double mean = java.util.Arrays.stream(a).average().orElseThrow();
    double sd = Math.sqrt(java.util.Arrays.stream(a).map(x -> (x - mean) * (x - mean)).sum()
        / a.length);
    assertEquals(0.0, mean, 0.001);
    assertEquals(0.01, sd, 0.0005);
  }

  private static double[] firstWeights(long seed) {
    try (Graph g = new Graph()) {
      AlexNet net = AlexNet.build(g, ModelConfig.builder().width(0.25).seed(seed).build(),
          AlexNet.Mode.INFERENCE);
      try (Session s = new Session(g);
          Result r = s.runner().fetch(net.params().get(0).output()).run()) {
        return HostTensors.doubles(r.get(0));
      }
    }
  }

  @Test
  void biasesAreOneWhereThePaperSaysAndZeroElsewhere() {
    try (Graph g = new Graph()) {
      AlexNet net = AlexNet.build(g, ModelConfig.builder().width(0.1).classes(10).build(),
          AlexNet.Mode.INFERENCE);
      try (Session s = new Session(g)) {
        for (Param p : net.params()) {
          if (!p.name().endsWith("biases")) {
            continue;
          }
          double want = List.of("conv2", "conv4", "conv5", "fc6", "fc7").contains(p.layer())
              ? 1.0 : 0.0;
          try (Result r = s.runner().fetch(p.output()).run()) {
            for (double v : HostTensors.doubles(r.get(0))) {
              assertEquals(want, v, 0.0, p.name());
            }
          }
        }
      }
    }
  }

  @Test
  void refusesInputsTooSmallForTheNetwork() {
    var e = assertThrows(IllegalArgumentException.class,
        () -> ModelConfig.builder().imageSize(60).build());
    assertTrue(e.getMessage().contains("67"), e.getMessage());
  }
}
