package io.alexnet.train;

import io.alexnet.graph.Param;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.tensorflow.Graph;
import org.tensorflow.Operand;
import org.tensorflow.ndarray.NdArrays;
import org.tensorflow.op.Op;
import org.tensorflow.op.Ops;
import org.tensorflow.types.family.TType;

/**
 * Training that starts from another model's weights: which variables are read from its
 * checkpoint (or SavedModel), and which layers stay as they are.
 *
 * @param from the checkpoint prefix ({@code .../variables}) to start from; empty for none
 * @param restore the variables taken from it; the others keep their fresh initialization (fc8
 *     when the new data has other classes)
 * @param frozen layers ({@code conv1} ... {@code fc8}) that get no update and no momentum
 */
public record FineTuning(Optional<Path> from, Set<String> restore, Set<String> frozen) {

  /** The layers in the paper's order; freezing "until" a layer freezes it and all before it. */
  public static final List<String> LAYERS =
      List.of("conv1", "conv2", "conv3", "conv4", "conv5", "fc6", "fc7", "fc8");

  /** Training from scratch, every layer trained. */
  public static final FineTuning NONE = new FineTuning(Optional.empty(), Set.of(), Set.of());

  public FineTuning {
    restore = Set.copyOf(restore);
    frozen = Set.copyOf(frozen);
  }

  public boolean trains(Param p) {
    return !frozen.contains(p.layer());
  }

  /**
   * One op that reads the {@link #restore} variables from {@link #from} and assigns them, for
   * a fresh run to execute after initialization; empty when there is nothing to read.
   */
  Optional<Op> restoreOp(Graph g, List<Param> params) {
    if (from.isEmpty()) {
      return Optional.empty();
    }
    List<Param> read = params.stream().filter(p -> restore.contains(p.name())).toList();
    if (read.size() != restore.size()) {
      throw new IllegalArgumentException("the network has no variable for some of " + restore);
    }
    Ops tf = Ops.create(g).withSubScope("init_from").withDevice(
        io.alexnet.graph.DevicePlan.spec("/device:CPU:0"));
    String[] names = read.stream().map(Param::name).toArray(String[]::new);
    String[] slices = new String[names.length];
    java.util.Arrays.fill(slices, "");
    List<Class<? extends TType>> types = new ArrayList<>();
    read.forEach(p -> types.add(p.variable().type()));
    var values = tf.train.restore(tf.constant(from.get().toString()),
        tf.constant(NdArrays.vectorOfObjects(names)), tf.constant(NdArrays.vectorOfObjects(slices)),
        types);
    List<Op> assigns = new ArrayList<>();
    for (int i = 0; i < read.size(); i++) {
      assigns.add(assign(Ops.create(g), read.get(i), values.tensors().get(i)));
    }
    return Optional.of(tf.withControlDependencies(assigns).withName("restore").noOp());
  }

  @SuppressWarnings({"unchecked", "rawtypes"})
  private static Op assign(Ops tf, Param p, Operand<?> value) {
    return tf.assign((Operand) p.variable(), (Operand) value);
  }

  /** {@code layer} and every layer before it, checked. */
  public static Set<String> upTo(String layer) {
    int last = LAYERS.indexOf(layer.trim());
    if (last < 0) {
      throw new IllegalArgumentException("layers to freeze are of " + LAYERS + ", not '"
          + layer.trim() + "'");
    }
    return checked(LAYERS.subList(0, last + 1));
  }

  /**
   * {@code layers} as a set in the paper's order (as run.properties and messages list them),
   * each one of {@link #LAYERS}, and not all of them.
   */
  public static Set<String> checked(java.util.Collection<String> layers) {
    Set<String> named = new java.util.HashSet<>();
    for (String l : layers) {
      if (!LAYERS.contains(l.trim())) {
        throw new IllegalArgumentException("layers to freeze are of " + LAYERS + ", not '"
            + l.trim() + "'");
      }
      named.add(l.trim());
    }
    if (named.size() == LAYERS.size()) {
      throw new IllegalArgumentException("every layer frozen: nothing would train");
    }
    Set<String> out = new java.util.LinkedHashSet<>();
    LAYERS.stream().filter(named::contains).forEach(out::add);
    return out;
  }

}
