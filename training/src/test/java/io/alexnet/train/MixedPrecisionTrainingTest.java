package io.alexnet.train;

import static org.junit.jupiter.api.Assertions.*;

import io.alexnet.runtime.HostTensors;
import io.alexnet.graph.ModelConfig;
import io.alexnet.graph.WeightInit;
import io.alexnet.runtime.Arithmetic;
import io.alexnet.runtime.Machine;
import io.alexnet.runtime.OpPrecisions;
import io.alexnet.runtime.Precision;
import io.alexnet.runtime.SessionOptions;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.tensorflow.Result;
import org.tensorflow.Session;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.types.TBool;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt32;

/**
 * The training step in a bfloat16 session: the rewrite happened where it should (so that a
 * silent no-op fails here), and the losses follow float32's step by step.
 */
class MixedPrecisionTrainingTest {
  static final int SIZE = 67;
  static final int BATCH = 8;

  @BeforeEach
  void needsBfloat16() {
    Assumptions.assumeTrue(Machine.current().arithmetic(Precision.AUTO) == Arithmetic.BFLOAT16,
        "no native bfloat16 here: " + Machine.current().describe());
  }

  static ModelConfig model(Arithmetic a) {
    return ModelConfig.builder().width(0.25).imageSize(SIZE).classes(10).init(WeightInit.HE)
        .hiddenBias(0.1).seed(11).arithmetic(a).build();
  }

  record Steps(double initial, List<Double> losses, OpPrecisions census) {}

  /** Five steps on the same random batches, from the same seeded weights; the first traced. */
  static Steps train(Arithmetic a) {
    ModelConfig m = model(a);
    Random rnd = new Random(5);
    float[] x = new float[BATCH * SIZE * SIZE * 3];
    for (int i = 0; i < x.length; i++) {
      x[i] = (float) rnd.nextGaussian();
    }
    int[] y = rnd.ints(BATCH, 0, 10).toArray();
    try (TrainingGraph g = TrainingGraph.build(m, List.of(m.devices()),
            TrainConfig.paper().withBatch(BATCH), FineTuning.NONE, Optional.empty());
        Session s = new Session(g.graph(), SessionOptions.DEFAULT.configProto(a))) {
      s.initialize();
      TrainingGraph.Handles h = g.handles();
      OpPrecisions census;
      double initial;
      try (TFloat32 images = HostTensors.of(Shape.of(BATCH, SIZE, SIZE, 3), x);
          TInt32 labels = HostTensors.of(Shape.of(BATCH), y);
          TBool on = TBool.scalarOf(false);
          Result r = s.runner().feed(h.images(), images).feed(h.labels(), labels)
              .feed(h.training(), on).fetch(h.loss()).addTarget(h.step())
              .setOptions(OpPrecisions.RUN_OPTIONS).runAndFetchMetadata()) {
        census = OpPrecisions.of(r.getMetadata().orElseThrow());
        initial = ((TFloat32) r.get(0)).getFloat();
      }
      List<Double> losses = new ArrayList<>();
      TrainingStep step = TrainingStep.local(s, g, SIZE);
      for (long i = 1; i <= 4; i++) {
        losses.add(step.run(x, y, BATCH, i).loss());
      }
      return new Steps(initial, losses, census);
    }
  }

  @Test
  void convolutionsTheirGradientsAndTheFullyConnectedLayersRunInBfloat16() {
    OpPrecisions c = train(Arithmetic.BFLOAT16).census();
    // Two towers: conv1..conv5 twice forward; filter gradients for all; input gradients for
    // all but conv1; fc6, fc7 per tower and fc8 forward and backward.
    assertTrue(c.count("bfloat16", "Conv2D") - c.count("bfloat16", "Backprop") >= 10,
        c.format());
    assertTrue(c.count("bfloat16", "Conv2DBackpropFilter") >= 10, c.format());
    assertTrue(c.count("bfloat16", "Conv2DBackpropInput") >= 8, c.format());
    assertTrue(c.count("bfloat16", "MatMul") >= 15, c.format());
    // The update stays in float32, on float32 variables.
    assertEquals(0, c.count("bfloat16", "ApplyMomentum"), c.format());
    assertTrue(c.count("float32", "ApplyMomentum") >= 30, c.format());
    assertEquals(0, train(Arithmetic.FLOAT32).census().count("bfloat16"));
  }

  @Test
  void theLossFollowsFloat32s() {
    Steps exact = train(Arithmetic.FLOAT32);
    Steps mixed = train(Arithmetic.BFLOAT16);
    // The same weights, no dropout: the forward pass alone, to bfloat16's rounding. A wrong
    // kernel moved the paper model's first loss by 12%.
    assertEquals(exact.initial(), mixed.initial(), 0.01 * exact.initial(),
        "float32 " + exact.initial() + ", mixed " + mixed.initial());
    // Then both learn the batch alike; rounding differences grow step by step, so only the
    // trend is compared.
    double e = exact.losses().get(3), m = mixed.losses().get(3);
    assertTrue(e < exact.initial() / 1.5 && m < mixed.initial() / 1.5,
        "float32 " + exact.losses() + ", mixed " + mixed.losses());
    assertEquals(e, m, 0.2 * e, "float32 " + exact.losses() + ", mixed " + mixed.losses());
  }

}
