package io.alexnet.train;

import io.alexnet.graph.DevicePlan;
import java.util.ArrayList;
import java.util.List;
import org.tensorflow.Graph;
import org.tensorflow.Operand;
import org.tensorflow.Output;
import org.tensorflow.op.Op;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Variable;
import org.tensorflow.types.TBool;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt64;
import org.tensorflow.types.family.TFloating;

/**
 * Dynamic loss scaling, for float16 arithmetic (Micikevicius et al. 2018, as Keras'
 * LossScaleOptimizer does it): the gradients are computed of the loss times a scale, so that
 * small ones do not vanish below float16's smallest normal value, then divided by it. A step
 * whose gradients are not all finite changes no weight and halves the scale; after {@link
 * #GROWTH_INTERVAL} good steps in a row the scale doubles. The scale and the count are
 * variables, saved in every checkpoint with the rest.
 */
public final class DynamicLossScale {
  /** The scale a run starts with: 2^15, as Keras starts. */
  public static final float INITIAL = 32768f;
  /** Good steps in a row before the scale doubles, as Keras does. */
  public static final int GROWTH_INTERVAL = 2000;
  public static final String SCALE = "train/loss_scale";
  public static final String GOOD_STEPS = "train/loss_scale_good_steps";

  private final Variable<TFloat32> scale;
  private final Variable<TInt64> goodSteps;
  private final Ops tf;
  private final int growthInterval;

  private DynamicLossScale(Graph g, String stateDevice, int growthInterval) {
    this.growthInterval = growthInterval;
    Ops root = Ops.create(g);
    Ops train = root.withSubScope("train");
    Ops state = stateDevice.isEmpty() ? train : train.withDevice(DevicePlan.spec(stateDevice));
    Ops init = state.withInitScope();
    scale = init.withName("loss_scale").variable(org.tensorflow.ndarray.Shape.scalar(),
        TFloat32.class);
    init.withName("loss_scale_init").assign(scale, init.constant(INITIAL));
    goodSteps = init.withName("loss_scale_good_steps").variable(
        org.tensorflow.ndarray.Shape.scalar(), TInt64.class);
    init.withName("loss_scale_good_steps_init").assign(goodSteps, init.constant(0L));
    tf = root.withSubScope("loss_scale");
  }

  /** The scale's variables in {@code g}, on {@code stateDevice} (empty: anywhere). */
  public static DynamicLossScale build(Graph g, String stateDevice) {
    return new DynamicLossScale(g, stateDevice, GROWTH_INTERVAL);
  }

  /** The same with another growth interval (tests). */
  static DynamicLossScale build(Graph g, String stateDevice, int growthInterval) {
    return new DynamicLossScale(g, stateDevice, growthInterval);
  }

  /** The gradient seed: the scale, in the network's type. */
  @SuppressWarnings("unchecked")
  public Output<?> seed(Class<? extends TFloating> type) {
    return tf.dtypes.cast(scale, (Class<TFloating>) type).asOutput();
  }

  /** What {@link #unscale} gives: the true gradients, and whether all of them are finite. */
  public record Unscaled(List<Output<?>> gradients, Operand<TBool> finite, Op update) {}

  /**
   * Divides the scaled gradients by the scale, checks that all are finite, and builds the
   * scale's own update for the step (halve on overflow, double after a run of good steps).
   */
  @SuppressWarnings("unchecked")
  public Unscaled unscale(List<Output<?>> scaled) {
    List<Output<?>> out = new ArrayList<>();
    List<Op> read = new ArrayList<>();
    List<Operand<TBool>> finite = new ArrayList<>();
    Operand<TFloat32> inv = tf.math.reciprocal(scale);
    for (Output<?> g : scaled) {
      Operand<TFloating> grad = (Operand<TFloating>) (Operand<?>) g;
      Operand<TFloating> unscaled = tf.math.mul(grad, tf.dtypes.cast(inv, grad.type()));
      out.add(unscaled.asOutput());
      read.add(unscaled);
      finite.add(tf.reduceAll(tf.math.isFinite(grad), allAxes(grad)));
    }
    Operand<TBool> ok = tf.withName("all_finite").reduceAll(tf.stack(finite), tf.constant(0));
    read.add(ok);
    Operand<TInt64> good = tf.select(ok, tf.math.add(goodSteps, tf.constant(1L)),
        tf.constant(0L));
    Operand<TBool> grow = tf.math.greaterEqual(good, tf.constant((long) growthInterval));
    Operand<TFloat32> next = tf.select(ok,
        tf.select(grow, tf.math.mul(scale, tf.constant(2f)), scale),
        tf.math.maximum(tf.math.div(scale, tf.constant(2f)), tf.constant(1f)));
    // The scale changes only once every gradient has been divided by the one it was made with.
    Ops after = tf.withControlDependencies(read);
    Op setScale = after.assign(scale, next);
    Op setGood = after.assign(goodSteps, tf.select(grow, tf.constant(0L), good));
    Op update = tf.withControlDependencies(List.of(setScale, setGood)).withName("update")
        .noOp();
    return new Unscaled(out, ok, update);
  }

  private Operand<org.tensorflow.types.TInt32> allAxes(Operand<?> x) {
    return tf.range(tf.constant(0), tf.rank(x), tf.constant(1));
  }

  public Output<TFloat32> scale() {
    return scale.asOutput();
  }

  public Output<TInt64> goodSteps() {
    return goodSteps.asOutput();
  }
}
