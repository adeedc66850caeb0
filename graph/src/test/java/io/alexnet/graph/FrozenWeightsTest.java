package io.alexnet.graph;

import io.alexnet.runtime.HostTensors;

import static org.junit.jupiter.api.Assertions.*;

import java.util.Iterator;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.tensorflow.Graph;
import org.tensorflow.GraphOperation;
import org.tensorflow.Result;
import org.tensorflow.Session;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.types.TFloat32;

/** The frozen copy computes what the variables compute, with no variable left in it. */
class FrozenWeightsTest {
  @Test
  void theFrozenGraphGivesTheVariablesProbabilities() {
    ModelConfig m = ModelConfig.builder().width(0.125).imageSize(67).classes(10)
        .init(WeightInit.HE).hiddenBias(0.1).seed(3).build();
    Random rnd = new Random(4);
    float[] x = new float[2 * 67 * 67 * 3];
    for (int i = 0; i < x.length; i++) {
      x[i] = (float) rnd.nextGaussian();
    }
    try (Graph g = new Graph();
        TFloat32 images = HostTensors.of(Shape.of(2, 67, 67, 3), x)) {
      AlexNet net = AlexNet.build(g, m, AlexNet.Mode.INFERENCE);
      String in = net.images().op().name(), out = net.probabilities().op().name();
      float[] want;
      try (Session s = new Session(g)) {
        s.initialize();
        try (Result r = s.runner().feed(net.images(), images).fetch(net.probabilities()).run()) {
          want = HostTensors.floats((TFloat32) r.get(0));
        }
        try (Graph frozen = FrozenWeights.freeze(g, s, List.of(out));
            Session fs = new Session(frozen);
            Result r = fs.runner().feed(frozen.operation(in).output(0), images)
                .fetch(frozen.operation(out).output(0)).run()) {
          float[] got = HostTensors.floats((TFloat32) r.get(0));
          assertEquals(want.length, got.length);
          for (int i = 0; i < want.length; i++) {
            assertEquals(want[i], got[i], 1e-6, "probability " + i);
          }
          int variables = 0, constants = 0;
          for (Iterator<GraphOperation> it = frozen.operations(); it.hasNext(); ) {
            String type = it.next().type();
            variables += type.startsWith("Variable") ? 1 : 0;
            constants += type.equals("Const") ? 1 : 0;
          }
          assertEquals(0, variables);
          assertTrue(constants >= 16, "weights and biases of 8 layers: " + constants);
        }
      }
    }
  }
}
