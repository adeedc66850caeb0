package io.alexnet.graph;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.tensorflow.Graph;
import org.tensorflow.Operand;
import org.tensorflow.Output;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Placeholder;
import org.tensorflow.op.core.Variable;
import org.tensorflow.types.TBool;
import org.tensorflow.types.TInt32;
import org.tensorflow.types.TInt64;
import org.tensorflow.types.family.TFloating;

/**
 * In-graph data parallelism: R replicas of the network (each two towers on its own pair of
 * devices, or one tower on one device), sharing one set of variables. Each replica takes a
 * slice of the batch; their gradients are averaged, per variable, on the device that holds the
 * variable, and the variables are spread over all the devices by size, so no one device does
 * all the averaging and updating.
 *
 * <p>In a cluster (between-graph replication) the variables go to the ps tasks instead, spread
 * the same way, and each worker averages its replicas' gradients on its own devices, so only one
 * gradient per variable crosses the network. A worker may then run a single replica.
 *
 * <p>The inputs and outputs have {@link AlexNet}'s names (images, labels, training,
 * dropout_seed, loss, probabilities); the variables too, so checkpoints move between replicated
 * and plain runs. Slices are as even as the batch allows; the loss is the mean of the replicas'
 * losses, which is the batch mean when the slices are equal (the trainer makes them so).
 */
public final class ReplicatedAlexNet implements TrainingNetwork {
  private final Graph graph;
  private final List<AlexNet> replicas = new ArrayList<>();
  private final Map<String, String> homes = new LinkedHashMap<>();
  private final Map<String, String> meanAt = new HashMap<>();
  private final Placeholder<TFloating> images;
  private final Placeholder<TInt32> labels;
  private final Operand<TBool> training;
  private final Operand<TInt64> dropoutSeed;
  private final Operand<TFloating> loss;
  private final Operand<TFloating> probabilities;

  private ReplicatedAlexNet(Graph g, ModelConfig config, List<DevicePlan> plans,
      List<String> variableDevices) {
    this.graph = g;
    Ops tf = Ops.create(g);
    Class<TFloating> type = config.floatType().type();
    int s = config.imageSize(), r = plans.size();
    images = tf.withName(AlexNet.IMAGES).placeholder(type, Placeholder.shape(Shape.of(-1, s, s, 3)));
    labels = tf.withName(AlexNet.LABELS).placeholder(TInt32.class,
        Placeholder.shape(Shape.of(-1)));
    training = tf.withName(AlexNet.TRAINING).placeholderWithDefault(tf.constant(false),
        Shape.scalar());
    dropoutSeed = tf.withName(AlexNet.DROPOUT_SEED).placeholderWithDefault(tf.constant(0L),
        Shape.scalar());

    // Slice sizes: n / R each, the first n % R one more. (n from the images: evaluation feeds
    // no labels.)
    Ops split = tf.withSubScope("split");
    var n = split.squeeze(split.slice(split.shape(images), split.constant(new int[] {0}),
        split.constant(new int[] {1})));
    var q = split.math.floorDiv(n, split.constant(r));
    var rem = split.math.floorMod(n, split.constant(r));
    var extra = split.dtypes.cast(split.math.less(split.range(split.constant(0),
        split.constant(r), split.constant(1)), rem), TInt32.class);
    var sizes = split.math.add(q, extra);
    var imageSlices = split.splitV(images, sizes, split.constant(0), (long) r);
    var labelSlices = split.splitV(labels, sizes, split.constant(0), (long) r);

    // Variables go to the least loaded device so far, in the order they are made; so do the
    // gradient means, which are on the variable's device unless the variables are remote.
    List<String> local = new ArrayList<>();
    for (DevicePlan p : plans) {
      for (String d : List.of(p.towerA(), p.towerB())) {
        if (!local.contains(d)) {
          local.add(d);
        }
      }
    }
    List<String> devices = variableDevices.isEmpty() ? local : List.copyOf(variableDevices);
    long[] load = new long[devices.size()];
    long[] localLoad = new long[local.size()];
    Map<String, Variable<TFloating>> shared = new HashMap<>();
    for (int i = 0; i < r; i++) {
      var in = new AlexNet.Inputs(imageSlices.output().get(i), labelSlices.output().get(i),
          training, dropoutSeed);
      int index = i;
      replicas.add(AlexNet.replica(g, config.toBuilder().devices(plans.get(i)).build(),
          AlexNet.Mode.TRAIN, new AlexNet.Replication() {
            @Override
            public int index() {
              return index;
            }

            @Override
            public Optional<AlexNet.Inputs> inputs() {
              return Optional.of(in);
            }

            @Override
            public Optional<Variable<TFloating>> shared(String key) {
              return Optional.ofNullable(shared.get(key));
            }

            @Override
            public Optional<String> home(String key, Shape shape) {
              // Spread by size over the devices, so no one device holds and updates them all.
              String home = devices.get(leastLoaded(load, shape.size()));
              homes.put(key, home);
              meanAt.put(key, variableDevices.isEmpty() ? home
                  : local.get(leastLoaded(localLoad, shape.size())));
              return Optional.of(home);
            }

            @Override
            public void made(String key, Variable<TFloating> v) {
              shared.put(key, v);
            }
          }));
    }
    List<Operand<TFloating>> losses = new ArrayList<>();
    List<Operand<TFloating>> probs = new ArrayList<>();
    for (AlexNet net : replicas) {
      losses.add(net.loss());
      probs.add(net.probabilities());
    }
    loss = tf.withName(AlexNet.LOSS).math.mean(tf.stack(losses), tf.constant(0));
    probabilities = probs.size() == 1 ? tf.withName(AlexNet.PROBABILITIES).identity(probs.get(0))
        : tf.withName(AlexNet.PROBABILITIES).concat(probs, tf.constant(0));
  }

  private static int leastLoaded(long[] load, long size) {
    int best = 0;
    for (int d = 1; d < load.length; d++) {
      if (load[d] < load[best]) {
        best = d;
      }
    }
    load[best] += size;
    return best;
  }

  /** Replicas on the given device plans (at least two) for training. */
  public static ReplicatedAlexNet build(Graph g, ModelConfig config, List<DevicePlan> plans) {
    if (plans.size() < 2) {
      throw new IllegalArgumentException("replication needs at least two replicas");
    }
    return new ReplicatedAlexNet(g, config, plans, List.of());
  }

  /**
   * One or more replicas on the given device plans whose variables live on {@code
   * variableDevices} (a cluster's ps tasks), spread by size.
   */
  public static ReplicatedAlexNet build(Graph g, ModelConfig config, List<DevicePlan> plans,
      List<String> variableDevices) {
    if (plans.isEmpty() || variableDevices.isEmpty()) {
      throw new IllegalArgumentException("need at least one replica and one variable device");
    }
    return new ReplicatedAlexNet(g, config, plans, variableDevices);
  }

  /**
   * Each replica's gradients, averaged on the device that holds the variable (or, when the
   * variables are remote, on one of this graph's own devices).
   */
  @Override
  @SuppressWarnings("unchecked")
  public List<Output<?>> addGradients(Output<?> seed) {
    List<List<Output<?>>> per = new ArrayList<>();
    for (int i = 0; i < replicas.size(); i++) {
      AlexNet net = replicas.get(i);
      per.add(LrnAwareGradients.of(graph, net.loss(), net.params(), net.handGradients(),
          LrnAwareGradients.PREFIX + "_replica" + i, seed));
    }
    Ops mean = Ops.create(graph).withSubScope(LrnAwareGradients.PREFIX + "_mean");
    List<Output<?>> out = new ArrayList<>();
    List<Param> params = params();
    if (replicas.size() == 1) {
      return per.get(0);
    }
    for (int k = 0; k < params.size(); k++) {
      Ops at = mean.withDevice(DevicePlan.spec(meanAt.get(params.get(k).name())));
      List<Operand<TFloating>> parts = new ArrayList<>();
      for (List<Output<?>> g : per) {
        parts.add((Operand<TFloating>) g.get(k));
      }
      Operand<TFloating> sum = at.math.addN(parts);
      out.add(at.math.div(sum, at.dtypes.cast(at.constant((float) replicas.size()),
          (Class<TFloating>) params.get(k).variable().type())).asOutput());
    }
    return out;
  }

  /** The device holding each variable, by name. */
  public Map<String, String> homes() {
    return Map.copyOf(homes);
  }

  public List<AlexNet> replicas() {
    return List.copyOf(replicas);
  }

  @Override
  public List<Param> params() {
    return replicas.get(0).params();
  }

  @Override
  public Output<TFloating> images() {
    return images.asOutput();
  }

  @Override
  public Output<TInt32> labels() {
    return labels.asOutput();
  }

  @Override
  public Output<TBool> training() {
    return training.asOutput();
  }

  @Override
  public Output<TInt64> dropoutSeed() {
    return dropoutSeed.asOutput();
  }

  @Override
  public Output<TFloating> loss() {
    return loss.asOutput();
  }

  @Override
  public Output<TFloating> probabilities() {
    return probabilities.asOutput();
  }
}
