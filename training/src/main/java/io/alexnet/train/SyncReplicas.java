package io.alexnet.train;

import io.alexnet.graph.DevicePlan;
import io.alexnet.graph.Param;
import java.util.ArrayList;
import java.util.List;
import org.tensorflow.GraphOperation;
import org.tensorflow.Graph;
import org.tensorflow.Operand;
import org.tensorflow.Output;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.op.Op;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Placeholder;
import org.tensorflow.op.io.FifoQueue;
import org.tensorflow.op.io.QueueDequeue;
import org.tensorflow.op.train.ConditionalAccumulator;
import org.tensorflow.types.TInt64;
import org.tensorflow.types.family.TFloating;
import org.tensorflow.types.family.TType;

/**
 * Synchronous training across worker processes with TensorFlow's own gradient accumulators.
 * Every worker builds this same graph; the accumulators and queues have shared names, so all
 * workers' graphs reach the one instance on the ps tasks.
 *
 * <p>A step: every worker {@link #contribute() contributes} its gradients, tagged with the global
 * step it computed them at, to one accumulator per variable (on the variable's device). The
 * chief then runs the {@link #round()}: it waits for one gradient per worker in each accumulator,
 * applies their mean with the paper's update ({@link PaperSgd}), and puts the new global step in
 * each worker's token queue. Each worker takes its own token before the next step, so no worker
 * runs ahead on old weights, and a late gradient (tagged with an older step) is dropped by the
 * accumulator instead of spoiling the next update.
 */
public final class SyncReplicas {
  private final Placeholder<TInt64> computedAt;
  private final Op contribute;
  private final Op round;
  private final Op resetSteps;
  private final Placeholder<TInt64> resetTo;
  private final List<Output<TInt64>> tokens;
  private final PaperSgd sgd;

  @SuppressWarnings("unchecked")
  private SyncReplicas(Graph g, List<Param> params, List<Output<?>> grads, int workers,
      String stateDevice, double momentum, double weightDecay, double initialLr) {
    Ops tf = Ops.create(g).withSubScope("sync");
    computedAt = tf.withName("computed_at").placeholder(TInt64.class,
        Placeholder.shape(Shape.scalar()));
    List<ConditionalAccumulator> accs = new ArrayList<>();
    List<Op> applied = new ArrayList<>();
    List<Output<?>> means = new ArrayList<>();
    Operand<org.tensorflow.types.TInt32> all = tf.constant(workers);
    for (int k = 0; k < params.size(); k++) {
      Param p = params.get(k);
      Ops at = tf.withDevice(DevicePlan.spec(((GraphOperation) p.variable().op()).device()));
      Class<TFloating> type = (Class<TFloating>) p.variable().type();
      String name = "sync_" + p.name().replace('/', '_');
      ConditionalAccumulator acc = at.withName(name).train.conditionalAccumulator(type,
          p.variable().shape(), ConditionalAccumulator.sharedName(name),
          ConditionalAccumulator.reductionType("MEAN"));
      accs.add(acc);
      applied.add(at.train.accumulatorApplyGradient(acc.handle(), computedAt,
          (Operand<TFloating>) grads.get(k)));
      means.add(at.train.accumulatorTakeGradient(acc.handle(), all, type).average().asOutput());
    }
    contribute = tf.withControlDependencies(applied).withName("contribute").noOp();

    sgd = PaperSgd.build(g, params, means, momentum, weightDecay, initialLr, stateDevice);
    Ops state = tf.withDevice(DevicePlan.spec(stateDevice));
    Ops afterUpdate = state.withControlDependencies(List.of(sgd.step()));
    Operand<TInt64> newStep = afterUpdate.identity(sgd.globalStep());
    List<Op> released = new ArrayList<>();
    List<Op> stepsSet = new ArrayList<>();
    resetTo = tf.withName("reset_to").placeholder(TInt64.class, Placeholder.shape(Shape.scalar()));
    List<Op> resets = new ArrayList<>();
    for (ConditionalAccumulator acc : accs) {
      Ops at = tf.withDevice(DevicePlan.spec(((GraphOperation) acc.op()).device()));
      stepsSet.add(at.train.accumulatorSetGlobalStep(acc.handle(), newStep));
      resets.add(at.train.accumulatorSetGlobalStep(acc.handle(), resetTo));
    }
    resetSteps = tf.withControlDependencies(resets).withName("reset_steps").noOp();
    tokens = new ArrayList<>();
    Ops afterSet = state.withControlDependencies(stepsSet);
    for (int w = 0; w < workers; w++) {
      String qname = "sync_tokens_" + w;
      FifoQueue q = state.withName(qname).io.fifoQueue(List.of(TInt64.class),
          FifoQueue.sharedName(qname), FifoQueue.shapes(Shape.scalar()));
      released.add(afterSet.io.queueEnqueueMany(q, List.of(afterSet.reshape(newStep,
          afterSet.constant(new long[] {1})))));
      QueueDequeue take = state.withName("take_token_" + w).io.queueDequeue(q,
          List.<Class<? extends TType>>of(TInt64.class));
      tokens.add((Output<TInt64>) take.components().get(0).asOutput());
    }
    round = tf.withControlDependencies(released).withName("round").noOp();
  }

  /**
   * Adds synchronous training of {@code params} by {@code workers} processes to the graph;
   * {@code grads} are this worker's. Shared state (global step, learning rate, token queues) goes
   * to {@code stateDevice}.
   */
  public static SyncReplicas build(Graph g, List<Param> params, List<Output<?>> grads,
      int workers, String stateDevice, double momentum, double weightDecay, double initialLr) {
    if (params.size() != grads.size()) {
      throw new IllegalArgumentException(params.size() + " params but " + grads.size() + " grads");
    }
    return new SyncReplicas(g, params, grads, workers, stateDevice, momentum, weightDecay,
        initialLr);
  }

  /** Feed the global step this worker's gradients were computed at. */
  public Output<TInt64> computedAt() {
    return computedAt.asOutput();
  }

  /** Run with the batch fed: adds this worker's gradients to the accumulators. */
  public Op contribute() {
    return contribute;
  }

  /** The chief runs this once per step: waits for every worker, updates, hands out tokens. */
  public Op round() {
    return round;
  }

  /** Worker {@code w}'s next token: the global step after the update it waits for. */
  public Output<TInt64> token(int w) {
    return tokens.get(w);
  }

  /**
   * Feed {@link #resetTo()} the current global step and run this (the chief, at start), so
   * accumulators left by an earlier run accept this run's gradients.
   */
  public Op resetSteps() {
    return resetSteps;
  }

  public Output<TInt64> resetTo() {
    return resetTo.asOutput();
  }

  /** The update applied each round (its learning rate, global step and momentum slots). */
  public PaperSgd sgd() {
    return sgd;
  }
}
