package io.alexnet.train;

import static org.junit.jupiter.api.Assertions.*;

import io.alexnet.runtime.HostTensors;
import io.alexnet.graph.ModelConfig;
import io.alexnet.graph.WeightInit;
import io.alexnet.runtime.Arithmetic;
import io.alexnet.runtime.OpPrecisions;
import io.alexnet.runtime.SessionOptions;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tensorflow.Graph;
import org.tensorflow.Operand;
import org.tensorflow.Output;
import org.tensorflow.Result;
import org.tensorflow.Session;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TBool;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt32;

/**
 * Float16 mixed precision's loss scaling, on the CPU through grappler's emulation of the GPU
 * rewrite: a small model trains in float16, an overflow skips its step and halves the scale,
 * good steps double it, and checkpoints keep it.
 */
class DynamicLossScaleTest {
  static final int SIZE = 67;
  static final int BATCH = 4;
  static final Arithmetic F16 = Arithmetic.FLOAT16_CPU_EMULATION;
  @TempDir Path tmp;

  static float value(Session s, Output<TFloat32> o) {
    try (Result r = s.runner().fetch(o).run()) {
      return ((TFloat32) r.get(0)).getFloat();
    }
  }

  static float[] values(Session s, Output<TFloat32> o) {
    try (Result r = s.runner().fetch(o).run()) {
      return HostTensors.floats((TFloat32) r.get(0));
    }
  }

  @Test
  void aFloat16RunTrainsSkipsAnOverflowAndKeepsTheScaleInItsCheckpoint() {
    ModelConfig m = ModelConfig.builder().width(0.125).imageSize(SIZE).classes(4)
        .init(WeightInit.HE).hiddenBias(0.1).seed(3).arithmetic(F16).build();
    Random rnd = new Random(2);
    float[] x = new float[BATCH * SIZE * SIZE * 3];
    for (int i = 0; i < x.length; i++) {
      x[i] = (float) rnd.nextGaussian();
    }
    int[] y = {0, 1, 2, 3};
    float[] saved = new float[1];
    float[] overflow = x.clone();
    Arrays.fill(overflow, 0, SIZE * SIZE * 3, 1e30f); // beyond float16: inf in the first image
    try (TrainingGraph g = TrainingGraph.build(m, List.of(m.devices()),
            TrainConfig.paper().withBatch(BATCH), FineTuning.NONE, Optional.empty());
        Session s = new Session(g.graph(), SessionOptions.DEFAULT.configProto(F16))) {
      s.initialize();
      TrainingGraph.Handles h = g.handles();
      Output<TFloat32> scale = h.lossScale().orElseThrow();
      assertEquals(DynamicLossScale.INITIAL, value(s, scale));
      TrainingStep step = TrainingStep.local(s, g, SIZE);

      // The first step, traced: the emulation rounds every converted op's inputs and outputs
      // through float16 (casts there and back; the CPU then computes in float32), which is
      // what makes small gradients vanish and large values overflow as on a GPU.
      try (TFloat32 images = HostTensors.of(Shape.of(BATCH, SIZE, SIZE, 3), x);
          TInt32 labels = HostTensors.of(Shape.of(BATCH), y);
          TBool on = TBool.scalarOf(false);
          Result r = s.runner().feed(h.images(), images).feed(h.labels(), labels)
              .feed(h.training(), on).fetch(h.loss()).addTarget(h.step())
              .setOptions(OpPrecisions.RUN_OPTIONS).runAndFetchMetadata()) {
        OpPrecisions c = OpPrecisions.of(r.getMetadata().orElseThrow());
        assertTrue(c.count("float16", "Cast") > 100, c.format());
      }
      // Gradients of order 1 times 2^15 overflow float16: the first steps are skipped and
      // the scale halves until the scaled gradients fit, then the model trains.
      List<Double> losses = new java.util.ArrayList<>();
      for (long i = 1; i <= 20; i++) {
        losses.add(step.run(x, y, BATCH, i).loss());
      }
      float settled = value(s, scale);
      assertTrue(settled < DynamicLossScale.INITIAL, "no overflow halved the scale: " + settled);
      double first = losses.subList(0, 5).stream().mapToDouble(Double::doubleValue).average()
          .orElseThrow();
      double last = losses.subList(15, 20).stream().mapToDouble(Double::doubleValue).average()
          .orElseThrow();
      assertTrue(last < first, "losses " + losses);

      float[] before = values(s, h.params().get(0));
      double bad = step.run(overflow, y, BATCH, 21).loss();
      assertFalse(Double.isFinite(bad), "the injected overflow gave a finite loss: " + bad);
      assertArrayEquals(before, values(s, h.params().get(0)), "an overflow step changed weights");
      assertEquals(settled / 2, value(s, scale));
      step.run(x, y, BATCH, 22);
      assertFalse(Arrays.equals(before, values(s, h.params().get(0))),
          "the next good step changed nothing");

      // Saved with the other variables, restored with them.
      saved[0] = value(s, scale);
      s.save(tmp.resolve("ckpt").toString());
    }
    try (TrainingGraph g = TrainingGraph.build(m, List.of(m.devices()),
            TrainConfig.paper().withBatch(BATCH), FineTuning.NONE, Optional.empty());
        Session s = new Session(g.graph(), SessionOptions.DEFAULT.configProto(F16))) {
      s.restore(tmp.resolve("ckpt").toString());
      assertEquals(saved[0], value(s, g.handles().lossScale().orElseThrow()));
    }
  }

  @Test
  void goodStepsInARowDoubleTheScaleAndAnOverflowHalvesIt() {
    try (Graph g = new Graph()) {
      Ops tf = Ops.create(g);
      var w = tf.variable(tf.constant(new float[] {1f, 2f}));
      var in = tf.placeholder(TFloat32.class);
      Operand<TFloat32> loss = tf.reduceSum(tf.math.mul(w, in), tf.constant(0));
      DynamicLossScale ls = DynamicLossScale.build(g, "", 3);
      Output<?>[] grads = g.addGradients("g", new Output<?>[] {loss.asOutput()},
          new Output<?>[] {w.asOutput()}, new Output<?>[] {ls.seed(TFloat32.class)});
      DynamicLossScale.Unscaled u = ls.unscale(List.of(grads[0]));
      try (Session s = new Session(g)) {
        s.initialize();
        float[] expected = {32768f, 32768f, 65536f, 65536f, 32768f, 32768f};
        float[][] feeds = {{1, 1}, {1, 1}, {1, 1}, {1, 1}, {Float.POSITIVE_INFINITY, 1},
            {1, 1}};
        for (int i = 0; i < feeds.length; i++) {
          try (TFloat32 f = HostTensors.of(Shape.of(2), feeds[i]);
              Result r = s.runner().feed(in, f).fetch(u.gradients().get(0))
                  .addTarget(u.update()).run()) {
            float[] grad = HostTensors.floats((TFloat32) r.get(0));
            if (i != 4) {
              assertArrayEquals(feeds[i], grad, "unscaled gradient of step " + (i + 1));
            }
          }
          assertEquals(expected[i], value(s, ls.scale()), "scale after step " + (i + 1));
        }
      }
    }
  }
}
