package io.alexnet.train;

import static org.junit.jupiter.api.Assertions.*;

import io.alexnet.runtime.HostTensors;
import io.alexnet.graph.Param;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.tensorflow.Graph;
import org.tensorflow.Output;
import org.tensorflow.Result;
import org.tensorflow.Session;
import org.tensorflow.Tensor;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Variable;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt64;
import org.tensorflow.types.family.TFloating;

/** One and two steps of the update against the paper's formula worked by hand. */
class PaperSgdTest {

  @Test
  @SuppressWarnings("unchecked")
  void updateIsThePapersRuleIncludingAcrossARateCut() {
    try (Graph g = new Graph()) {
      Ops tf = Ops.create(g);
      Variable<TFloat32> w = tf.withInitScope().withName("w").variable(Shape.of(3), TFloat32.class);
      tf.withInitScope().assign(w, tf.constant(new float[] {1f, -2f, 3f}));
      // L = sum(c * w^2) / 2, so dL/dw = c * w: the gradient depends on w.
      var c = tf.constant(new float[] {0.5f, 2f, -1f});
      var read = tf.identity(w);
      var loss = tf.math.div(tf.reduceSum(tf.math.mul(c, tf.math.mul(read, read)),
          tf.constant(0)), tf.constant(2f));
      Output<?>[] grad = g.addGradients(loss.asOutput(), new Output<?>[] {w.asOutput()});
      Param p = new Param("w", "test", (Variable<? extends TFloating>) (Variable<?>) w, 0);
      PaperSgd sgd = PaperSgd.build(g, List.of(p), List.of(grad[0]), 0.9, 0.0005, 0.01);
      try (Session s = new Session(g)) {
        s.initialize();
        double[] wv = {1, -2, 3}, cv = {0.5, 2, -1}, v = new double[3];
        double[] rates = {0.01, 0.01, 0.001};
        for (int step = 0; step < 3; step++) {
          double lr = rates[step];
          try (Tensor t = HostTensors.of(io.alexnet.graph.FloatType.FLOAT32, Shape.scalar(),
              new double[] {lr})) {
            s.runner().feed(sgd.newLearningRate(), t).addTarget(sgd.setLearningRateOp()).run();
          }
          s.runner().addTarget(sgd.step()).run();
          for (int i = 0; i < 3; i++) {
            // v <- 0.9 v - 0.0005 lr w - lr g ; w <- w + v
            double gi = cv[i] * wv[i];
            v[i] = 0.9 * v[i] - 0.0005 * lr * wv[i] - lr * gi;
            wv[i] += v[i];
          }
          try (Result r = s.runner().fetch(w).fetch(sgd.slots().get(0)).fetch(sgd.globalStep())
              .run()) {
            double[] gotW = HostTensors.doubles(r.get(0));
            double[] gotV = HostTensors.doubles(r.get(1));
            for (int i = 0; i < 3; i++) {
              assertEquals(wv[i], gotW[i], 1e-6, "w[" + i + "] after step " + (step + 1));
              assertEquals(v[i], gotV[i], 1e-7, "v[" + i + "] after step " + (step + 1));
            }
            assertEquals(step + 1, ((TInt64) r.get(2)).getLong());
          }
        }
      }
    }
  }
}
