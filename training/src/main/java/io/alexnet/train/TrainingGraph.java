package io.alexnet.train;

import io.alexnet.cluster.WorkerRole;
import io.alexnet.graph.AlexNet;
import io.alexnet.graph.DevicePlan;
import io.alexnet.graph.GradientPlacement;
import io.alexnet.graph.LrnAwareGradients;
import io.alexnet.graph.ModelConfig;
import io.alexnet.runtime.OneDnnWeightCache;
import io.alexnet.graph.Param;
import io.alexnet.graph.ReplicatedAlexNet;
import io.alexnet.graph.TrainingNetwork;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.tensorflow.Graph;
import org.tensorflow.GraphOperation;
import org.tensorflow.Operand;
import org.tensorflow.Output;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TBool;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt32;
import org.tensorflow.types.TInt64;
import org.tensorflow.types.family.TType;

/**
 * The training graph, put together one way for everyone who runs a training step (the
 * trainer, {@code bench}): the network (one, data-parallel replicas, or a cluster worker's),
 * its LRN-aware gradients, the paper's update over the layers that train (or the sync mode's
 * accumulators), the op that reads a fine-tuning run's starting weights, and then every
 * backward op placed beside the forward tensors it reads ({@link GradientPlacement}). The
 * handles point into that placed graph, which this object owns.
 */
public final class TrainingGraph implements AutoCloseable {

  /** What every training step feeds and fetches. */
  public record Handles(Output<TFloat32> images, Output<TInt32> labels, Output<TBool> training,
      Output<TInt64> dropoutSeed, Output<TFloat32> loss, Output<TFloat32> probabilities,
      String step, String setLearningRate, Output<TFloat32> newLearningRate,
      Output<TInt64> stepsDone, Output<TInt64> globalStep, Output<TFloat32> learningRate,
      List<Output<TFloat32>> params, Optional<String> restore,
      Optional<Output<TFloat32>> lossScale) {}

  /** A cluster worker's extra handles: whether the ps tasks hold a model, and sync's. */
  public record ClusterHandles(Output<TBool> initialized, Optional<SyncHandles> sync) {}

  /** Synchronous training's round: this worker's token, the chief's round and reset. */
  public record SyncHandles(Output<TInt64> computedAt, String round, Output<TInt64> token,
      String resetSteps, Output<TInt64> resetTo) {}

  private final Graph graph;
  private final Handles handles;
  private final Optional<ClusterHandles> cluster;

  private TrainingGraph(Graph graph, Handles handles, Optional<ClusterHandles> cluster) {
    this.graph = graph;
    this.handles = handles;
    this.cluster = cluster;
  }

  /**
   * The graph for {@code model} on {@code replicas} (one plan: a plain network), trained as
   * {@code config} says, as cluster worker {@code role} if present.
   */
  public static TrainingGraph build(ModelConfig model, List<DevicePlan> replicas,
      TrainConfig config, FineTuning fineTuning, Optional<WorkerRole> role) {
    OneDnnWeightCache.refuseForTraining();
    try (Graph built = new Graph()) {
      TrainingNetwork net;
      if (role.isPresent()) {
        net = ReplicatedAlexNet.build(built, model,
            replicas.stream().map(role.get()::local).toList(), role.get().variableDevices());
      } else if (replicas.size() > 1) {
        net = ReplicatedAlexNet.build(built, model, replicas);
      } else {
        net = AlexNet.build(built, model.toBuilder().devices(replicas.get(0)).build(),
            AlexNet.Mode.TRAIN);
      }
      String stateDevice = role.map(WorkerRole::stateDevice).orElse("");
      // Float16 arithmetic needs the loss scaled (DynamicLossScale); bfloat16 and float32 not.
      DynamicLossScale scaling = null;
      if (model.arithmetic().needsLossScaling()) {
        if (role.isPresent() && role.get().sync()) {
          throw new IllegalArgumentException("float16 mixed precision and synchronous cluster"
              + " training do not go together: train in float32, or asynchronously");
        }
        scaling = DynamicLossScale.build(built, stateDevice);
      }
      // Frozen layers' variables get no update and no momentum; their gradients are built
      // but, with nothing reading them, never run.
      List<Output<?>> all = net.addGradients(scaling == null ? null
          : scaling.seed(net.params().get(0).variable().type()));
      List<Param> trained = new ArrayList<>();
      List<Output<?>> grads = new ArrayList<>();
      for (int i = 0; i < all.size(); i++) {
        if (fineTuning.trains(net.params().get(i))) {
          trained.add(net.params().get(i));
          grads.add(all.get(i));
        }
      }
      if (trained.isEmpty()) {
        throw new IllegalArgumentException("every layer is frozen: nothing would train");
      }
      DynamicLossScale.Unscaled unscaled = scaling == null ? null : scaling.unscale(grads);
      if (unscaled != null) {
        grads = unscaled.gradients();
      }
      SyncReplicas sync = role.isPresent() && role.get().sync()
          ? SyncReplicas.build(built, trained, grads, role.get().workers(), stateDevice,
              config.momentum(), config.weightDecay(), config.learningRate())
          : null;
      PaperSgd sgd = sync != null ? sync.sgd() : PaperSgd.build(built, trained, grads,
          config.momentum(), config.weightDecay(), config.learningRate(), stateDevice,
          unscaled == null ? null : unscaled.finite(),
          unscaled == null ? List.of() : List.of(unscaled.update()));
      Optional<String> restore = fineTuning.restoreOp(built, net.params())
          .map(r -> r.op().name());
      Output<TBool> ready = role.isPresent() ? allInitialized(built) : null;

      Graph g = GradientPlacement.placed(built, LrnAwareGradients.PREFIX);
      try {
        List<Output<TFloat32>> params = new ArrayList<>();
        for (Param p : net.params()) {
          params.add(find(g, p.output(), TFloat32.class));
        }
        Handles h = new Handles(find(g, net.images(), TFloat32.class),
            find(g, net.labels(), TInt32.class), find(g, net.training(), TBool.class),
            find(g, net.dropoutSeed(), TInt64.class), find(g, net.loss(), TFloat32.class),
            find(g, net.probabilities(), TFloat32.class),
            (sync != null ? sync.contribute() : sgd.step()).op().name(),
            sgd.setLearningRateOp().op().name(), find(g, sgd.newLearningRate(), TFloat32.class),
            find(g, sgd.stepsDone(), TInt64.class), find(g, sgd.globalStep(), TInt64.class),
            find(g, sgd.learningRate(), TFloat32.class), List.copyOf(params), restore,
            Optional.ofNullable(scaling).map(l -> find(g, l.scale(), TFloat32.class)));
        Optional<ClusterHandles> c = role.map(r -> new ClusterHandles(
            find(g, ready, TBool.class), Optional.ofNullable(sync).map(s -> new SyncHandles(
                find(g, s.computedAt(), TInt64.class), s.round().op().name(),
                find(g, s.token(r.index()), TInt64.class), s.resetSteps().op().name(),
                find(g, s.resetTo(), TInt64.class)))));
        return new TrainingGraph(g, h, c);
      } catch (RuntimeException e) {
        g.close();
        throw e;
      }
    }
  }

  /** True once every variable in {@code g} is initialized (a cluster's workers wait on it). */
  private static Output<TBool> allInitialized(Graph g) {
    Ops tf = Ops.create(g).withSubScope("cluster");
    List<Operand<TBool>> each = new ArrayList<>();
    for (var it = g.operations(); it.hasNext(); ) {
      GraphOperation op = it.next();
      if (op.type().equals("VariableV2")) {
        each.add(tf.withDevice(DevicePlan.spec(op.device()))
            .isVariableInitialized(op.<TType>output(0)));
      }
    }
    return tf.withName("initialized").reduceAll(tf.stack(each), tf.constant(0)).asOutput();
  }

  private static <T extends TType> Output<T> find(Graph g, Output<?> built, Class<T> type) {
    return g.outputOrThrow(built.name()).expect(type);
  }

  public Graph graph() {
    return graph;
  }

  public Handles handles() {
    return handles;
  }

  /** Present for a cluster worker. */
  public Optional<ClusterHandles> cluster() {
    return cluster;
  }

  @Override
  public void close() {
    graph.close();
  }
}
