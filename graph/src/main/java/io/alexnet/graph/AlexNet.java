package io.alexnet.graph;

import io.alexnet.runtime.Arithmetic;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.function.Supplier;
import org.tensorflow.Graph;
import org.tensorflow.Operand;
import org.tensorflow.Output;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Placeholder;
import org.tensorflow.op.core.Variable;
import org.tensorflow.op.random.RandomStandardNormal;
import org.tensorflow.types.TBool;
import org.tensorflow.types.TInt32;
import org.tensorflow.types.TInt64;
import org.tensorflow.types.family.TFloating;

/**
 * AlexNet (Krizhevsky, Sutskever, Hinton, NIPS 2012) as a TensorFlow graph, layer by layer as in
 * the paper's Figure 2 and docs/PAPER.md. {@link #forward()} is the whole network; the rest
 * of the file is the handful of layer kinds it uses.
 *
 * <p>The paper split the net over two GPUs ("towers"). Here every layer is built once per tower,
 * each tower pinned to its own device and holding half of the layer's kernels. conv2, conv4 and
 * conv5 read only their own tower's maps (the grouped convolutions); conv3, fc6, fc7 and fc8 read
 * both towers' (the only places the towers exchange activations). The one-tower variant is the
 * same code with one tower, so its layers see everything.
 *
 * <p>One concession to a kernel: TensorFlow 2.18's oneDNN bfloat16 convolution computes a
 * three-channel input wrong, forward and filter gradient alike (measured: outputs off by half
 * their norm, while four channels agree with float32 to bfloat16's rounding). A graph built for
 * {@link Arithmetic#BFLOAT16} therefore gives conv1 a zero fourth input channel and zero weights
 * for it: the same sums, on the kernels that are right. The variables keep the paper's shape.
 *
 * <p>Inputs and outputs have stable names that SavedModel signatures and tools rely on:
 * {@value #IMAGES}, {@value #LABELS}, {@value #TRAINING}, {@value #LOGITS}, {@value
 * #PROBABILITIES}, {@value #LOSS}.
 */
public final class AlexNet implements TrainingNetwork {

  /** TRAIN adds labels, loss and dropout; INFERENCE is the graph a SavedModel serves. */
  public enum Mode {
    TRAIN,
    INFERENCE
  }

  public static final String IMAGES = "images";
  public static final String LABELS = "labels";
  public static final String TRAINING = "training";
  public static final String LOGITS = "logits";
  public static final String PROBABILITIES = "probabilities";
  public static final String LOSS = "loss";
  public static final String DROPOUT_SEED = "dropout_seed";

  /** Section 4.2: dropout 0.5 on fc6 and fc7 while training. */
  public static final float DROPOUT_KEEP = 0.5f;

  private final Graph graph;
  private final ModelConfig config;
  private final Mode mode;
  private final Ops tf;
  private final Class<TFloating> type;
  private final int towers;

  private final List<Param> params = new ArrayList<>();
  private final List<HandGradient> handGradients = new ArrayList<>();
  private final Map<String, Integer> handStages = new HashMap<>();
  private final List<Output<TFloating>> dropoutMasks = new ArrayList<>();
  private final Map<String, LayerRow> rows = new LinkedHashMap<>();
  private final Map<String, List<Output<TFloating>>> outputs = new LinkedHashMap<>();
  private final Map<String, Ops> layerScopes = new HashMap<>();
  private long opSeed = 0;

  private final List<Tower> towerList;
  private final Replication replication;
  private final Ops vars;
  private final Map<String, Ops> varScopes = new HashMap<>();

  /**
   * A tower of the network (Section 3.2: one per GPU), or the head: the layers both towers feed
   * (fc8, the loss), which sit on tower A's device and carry no tower letter in their names.
   */
  private record Tower(int index, boolean head) {
    static final Tower HEAD = new Tower(0, true);

    /** "/A", "/B" in op and variable names; nothing for the head or a one-tower network. */
    String suffix(int towers) {
      return towers == 1 || head ? "" : "/" + (char) ('A' + index);
    }
  }

  /** A layer's output: one map per tower, tower A's first. */
  private record PerTower(List<Operand<TFloating>> maps) {
    Operand<TFloating> get(Tower t) {
      return maps.get(t.index());
    }
  }

  /** Tensors a replica reads instead of making its own placeholders. */
  record Inputs(Operand<TFloating> images, Operand<TInt32> labels, Operand<TBool> training,
      Operand<TInt64> dropoutSeed) {}

  /**
   * What a network shares with the other replicas of a data-parallel model ({@link
   * ReplicatedAlexNet}): the inputs it reads, and the variables, made once, on the device their
   * first replica says. A plain network is {@link #ALONE}: its own placeholders, its variables
   * in its layers' scopes on their towers' devices.
   */
  interface Replication {
    Replication ALONE = new Replication() {};

    /** Which replica; 0 for a plain network. */
    default int index() {
      return 0;
    }

    /** The inputs it reads; empty: its own placeholders. */
    default java.util.Optional<Inputs> inputs() {
      return java.util.Optional.empty();
    }

    /** The variable named {@code key} (conv1/A/weights, say) if another replica made it. */
    default java.util.Optional<Variable<TFloating>> shared(String key) {
      return java.util.Optional.empty();
    }

    /**
     * The device a new variable {@code key} goes on, made at the root under its plain name;
     * empty: in its layer's scope, on its tower's device.
     */
    default java.util.Optional<String> home(String key, Shape shape) {
      return java.util.Optional.empty();
    }

    /** Remembers a new variable for the replicas built after this one. */
    default void made(String key, Variable<TFloating> v) {}
  }

  private Operand<TFloating> images;
  private final Operand<? extends TFloating> imagesDefault;
  private Operand<TInt32> labels;
  private Operand<TBool> training;
  private Operand<TInt64> dropoutSeed;
  private Operand<TFloating> logits;
  private Operand<TFloating> probabilities;
  private Operand<TFloating> loss;

  private AlexNet(Graph graph, ModelConfig config, Mode mode,
      Operand<? extends TFloating> imagesDefault, Replication replication) {
    this.graph = graph;
    this.imagesDefault = imagesDefault;
    this.config = config;
    this.mode = mode;
    this.type = config.floatType().type();
    this.towers = config.variant().towers();
    List<Tower> ts = new ArrayList<>();
    for (int t = 0; t < towers; t++) {
      ts.add(new Tower(t, false));
    }
    this.towerList = List.copyOf(ts);
    this.replication = replication;
    // Variables always live at the root under their plain names; a replica's layers go under
    // replicaN/, so checkpoints of replicated and plain runs are interchangeable.
    this.vars = Ops.create(graph);
    this.tf = replication.inputs().isEmpty() ? vars
        : vars.withSubScope("replica" + replication.index());
  }

  /**
   * A replica of the network, its layers named under {@code replicaN/}, reading the inputs and
   * sharing the variables {@code replication} says.
   */
  static AlexNet replica(Graph graph, ModelConfig config, Mode mode, Replication replication) {
    AlexNet net = new AlexNet(graph, config, mode, null, replication);
    net.forward();
    return net;
  }

  /** Adds the network to {@code graph} and returns handles to its inputs, outputs and variables. */
  public static AlexNet build(Graph graph, ModelConfig config, Mode mode) {
    AlexNet net = new AlexNet(graph, config, mode, null, Replication.ALONE);
    net.forward();
    return net;
  }

  /**
   * An inference network whose {@value #IMAGES} input, when not fed, takes {@code
   * imagesDefault} (a SavedModel's raw-bytes signature decodes into it).
   */
  public static AlexNet buildWithDefaultImages(Graph graph, ModelConfig config,
      Operand<? extends TFloating> imagesDefault) {
    AlexNet net = new AlexNet(graph, config, Mode.INFERENCE, imagesDefault, Replication.ALONE);
    net.forward();
    return net;
  }

  private void forward() {
    LayerSizes n = config.sizes();
    int t2 = towers;
    inputs();

    // conv1: 96 kernels 11x11x3, stride 4, no padding: 227 -> 55. ReLU, LRN, pool 3/2 -> 27.
    var conv1 = perTower(t -> conv("conv1", t, images, 11, 4, false, n.conv1() / t2, 0.0));
    var lrn1 = lrnLayer("lrn1", conv1);
    var pool1 = perTower(t -> maxPool("pool1", t, lrn1.get(t)));

    // conv2: 256 kernels 5x5x48, pad 2; grouped: each tower sees only its own 48 maps.
    var conv2 = perTower(t -> conv("conv2", t, pool1.get(t), 5, 1, true, n.conv2() / t2, bias()));
    var lrn2 = lrnLayer("lrn2", conv2);
    var pool2 = perTower(t -> maxPool("pool2", t, lrn2.get(t)));

    // conv3: 384 kernels 3x3x256, pad 1; full: each tower sees the maps of both towers.
    var conv3 = perTower(t -> conv("conv3", t, join(t, pool2), 3, 1, true, n.conv3() / t2, 0.0));

    // conv4: 384 kernels 3x3x192, pad 1; grouped.
    var conv4 = perTower(t -> conv("conv4", t, conv3.get(t), 3, 1, true, n.conv4() / t2, bias()));

    // conv5: 256 kernels 3x3x192, pad 1; grouped; then pool 3/2: 13 -> 6.
    var conv5 = perTower(t -> conv("conv5", t, conv4.get(t), 3, 1, true, n.conv5() / t2, bias()));
    var pool5 = perTower(t -> maxPool("pool5", t, conv5.get(t)));

    // fc6: 9216 -> 4096 (2048 per tower), every unit sees both towers; dropout 0.5.
    var fc6 = perTower(t -> dense("fc6", t, flatten(t, join(t, pool5)), n.fc6() / t2, bias(), true));
    var drop6 = perTower(t -> dropout("dropout6", t, fc6.get(t)));

    // fc7: 4096 -> 4096 (2048 per tower), full; dropout 0.5.
    var fc7 = perTower(t -> dense("fc7", t, join(t, drop6), n.fc7() / t2, bias(), true));
    var drop7 = perTower(t -> dropout("dropout7", t, fc7.get(t)));

    // fc8: 4096 -> classes, on tower A's device; softmax.
    Operand<TFloating> fc8 =
        dense("fc8", Tower.HEAD, join(Tower.HEAD, drop7), config.classes(), 0.0, false);
    Ops head = onTower(Tower.HEAD);
    logits = head.withName(LOGITS).identity(fc8);
    probabilities = head.withName(PROBABILITIES).nn.softmax(logits);

    if (mode == Mode.TRAIN) {
      if (labels == null) {
        labels = head.withName(LABELS).placeholder(TInt32.class, Placeholder.shape(Shape.of(-1)));
      }
      // Cross-entropy from log-softmax: TensorFlow's fused SoftmaxCrossEntropyWithLogits has a
      // C++ gradient that builds a float32 term even in a float64 graph, and the sparse one
      // has no graph gradient at all.
      var oneHot = head.oneHot(labels, head.constant(config.classes()), one(head), zero(head));
      var logProbs = head.nn.logSoftmax(logits);
      var xent = head.math.neg(head.reduceSum(head.math.mul(oneHot, logProbs), head.constant(1)));
      loss = head.withName(LOSS).math.mean(xent, head.constant(0));
    }
  }

  /** The images (and in training the labels, dropout switch and seed) the network reads. */
  private void inputs() {
    int s = config.imageSize();
    if (replication.inputs().isPresent()) {
      Inputs given = replication.inputs().get();
      images = given.images();
      labels = given.labels();
      training = given.training();
      dropoutSeed = given.dropoutSeed();
      return;
    }
    images = imagesDefault == null
        ? tf.withName(IMAGES).placeholder(type, Placeholder.shape(Shape.of(-1, s, s, 3)))
        : tf.withName(IMAGES).placeholderWithDefault(generic(imagesDefault), Shape.of(-1, s, s, 3));
    if (mode == Mode.TRAIN) {
      training = tf.withName(TRAINING).placeholderWithDefault(tf.constant(false), Shape.scalar());
      dropoutSeed =
          tf.withName(DROPOUT_SEED).placeholderWithDefault(tf.constant(0L), Shape.scalar());
    }
  }

  // ---- layers ----------------------------------------------------------------------------

  /** Convolution + bias + ReLU on one tower. {@code same} pads so stride 1 keeps the size. */
  private Operand<TFloating> conv(
      String layer, Tower t, Operand<TFloating> x, int k, int stride, boolean same, int out,
      double biasValue) {
    Ops o = layerOps(layer, t);
    long in = x.shape().get(3);
    var w = weights(o, layer, t, Shape.of(k, k, in, out), k * k * in);
    var b = biases(o, layer, t, out, biasValue);
    Operand<TFloating> input = x;
    Operand<TFloating> kernels = w;
    if (in == 3 && config.arithmetic() == Arithmetic.BFLOAT16) {
      input = o.pad(x, o.constant(new int[][] {{0, 0}, {0, 0}, {0, 0}, {0, 1}}), zero(o));
      kernels = o.pad(w, o.constant(new int[][] {{0, 0}, {0, 0}, {0, 1}, {0, 0}}), zero(o));
    }
    var y = o.nn.conv2d(input, kernels, List.of(1L, (long) stride, (long) stride, 1L),
        same ? "SAME" : "VALID");
    Operand<TFloating> pre = o.nn.biasAdd(y, b);
    Operand<TFloating> r = o.nn.relu(pre);
    handGradients.add(new ConvRelu(handStage(layer), pre.asOutput(), r.asOutput()));
    long[] d = r.shape().asArray();
    addRow(layer, t, r, w.shape().size() + out, d[1] * d[2] * out * k * k * in);
    return r;
  }

  /** Fully connected layer on one tower, with ReLU unless it is the last. */
  private Operand<TFloating> dense(
      String layer, Tower t, Operand<TFloating> x, int out, double biasValue, boolean relu) {
    Ops o = layerOps(layer, t);
    long in = x.shape().get(1);
    var w = weights(o, layer, t, Shape.of(in, out), in);
    var b = biases(o, layer, t, out, biasValue);
    Operand<TFloating> y = o.nn.biasAdd(o.linalg.matMul(x, w), b);
    if (relu) {
      y = o.nn.relu(y);
    }
    addRow(layer, t, y, w.shape().size() + out, in * out);
    return y;
  }

  /**
   * Local response normalization across channels (Section 3.3), with the model's constants
   * (the paper's k=2, n=5, alpha=1e-4, beta=0.75 unless imported otherwise). Each tower
   * normalizes its own maps, as the paper's per-GPU layers did; a model whose settings say
   * {@code acrossTowers} (Caffe's one LRN layer over a grouped convolution, as in BVLC's
   * weights) joins the towers' maps on tower A, normalizes them as one stack and hands each
   * tower its half back.
   */
  private PerTower lrnLayer(String layer, PerTower x) {
    if (towers == 1 || !config.lrn().acrossTowers()) {
      return perTower(t -> lrn(layer, t, x.get(t)));
    }
    Operand<TFloating> all = lrn(layer, Tower.HEAD, join(Tower.HEAD, x));
    Ops o = layerOps(layer, Tower.HEAD);
    List<Operand<TFloating>> parts = new ArrayList<>(towers);
    o.split(o.constant(3), all, (long) towers).output().forEach(parts::add);
    return new PerTower(List.copyOf(parts));
  }

  /**
   * One LRN layer, the formula written out in standard ops (Section 3.3). Training's backward
   * step reuses its denominators; inference runs it too, 6-8% faster than TensorFlow's LRN kernel
   * (BENCHMARKS.md).
   */
  private Operand<TFloating> lrn(String layer, Tower t, Operand<TFloating> x) {
    Ops o = layerOps(layer, t);
    int stage = handStage(layer);
    Lrn l = Lrn.writtenOut(o, stage, x, config.lrn());
    handGradients.add(l);
    Operand<TFloating> r = generic(l.output());
    addRow(layer, t, r, 0, 0);
    return r;
  }

  /**
   * Overlapping max-pooling, Section 3.4: 3x3 windows, stride 2. Built as TensorFlow's MaxPool
   * (window in attributes), not the MaxPoolV2 that TF Java's Ops make (window in tensors): only
   * MaxPool is replaced by oneDNN's kernels, whose gradient is far faster on the CPU.
   */
  private Operand<TFloating> maxPool(String layer, Tower t, Operand<TFloating> x) {
    Ops o = layerOps(layer, t);
    Operand<TFloating> y = o.scope().opBuilder("MaxPool", "MaxPool").addInput(x.asOutput())
        .setAttr("ksize", new long[] {1, 3, 3, 1}).setAttr("strides", new long[] {1, 2, 2, 1})
        .setAttr("padding", "VALID").build().output(0);
    addRow(layer, t, y, 0, 0);
    return y;
  }

  /**
   * Inverted dropout (Section 4.2): in training, each unit is kept with probability 0.5 and
   * scaled by 2, which has the same expectation as the paper's halving at test time. The mask is
   * the op {@code <layer>/<tower>/mask}; feeding it fixes the mask (the gradient tests do).
   */
  private Operand<TFloating> dropout(String layer, Tower t, Operand<TFloating> x) {
    if (mode != Mode.TRAIN) {
      return x;
    }
    Ops o = layerOps(layer, t);
    Operand<TFloating> keep =
        o.select(training, o.dtypes.cast(o.constant(DROPOUT_KEEP), type), one(o));
    // Stateless: the mask is a function of (seed, layer, dropout_seed), so a run resumed from a
    // checkpoint draws the same masks as one that never stopped (the trainer feeds the step).
    long stream = config.seed() * 1000 + replication.index() * 100 + ++opSeed;
    Operand<TInt64> key = o.stack(List.of(o.constant(stream), dropoutSeed));
    var uniform = o.random.statelessRandomUniform(o.shape(x), key, type);
    Operand<TFloating> mask = o.withName("mask").math.floor(o.math.add(uniform, keep));
    dropoutMasks.add(mask.asOutput());
    Operand<TFloating> y = o.math.div(o.math.mul(x, mask), keep);
    addRow(layer, t, y, 0, 0);
    return y;
  }

  /** The maps of every tower, concatenated on tower {@code t}'s device (a cross-tower exchange). */
  private Operand<TFloating> join(Tower t, PerTower x) {
    List<Operand<TFloating>> parts = x.maps();
    if (parts.size() == 1) {
      return parts.get(0);
    }
    int axis = parts.get(0).shape().numDimensions() - 1;
    return onTower(t).concat(parts, onTower(t).constant(axis));
  }

  private Operand<TFloating> flatten(Tower t, Operand<TFloating> x) {
    long[] d = x.shape().asArray();
    long n = d[1] * d[2] * d[3];
    return onTower(t).reshape(x, onTower(t).constant(new long[] {-1, n}));
  }

  // ---- variables -------------------------------------------------------------------------

  private Variable<TFloating> weights(Ops o, String layer, Tower t, Shape shape, long fanIn) {
    long seed2 = ++opSeed;
    return variable(o, layer, t, "weights", shape, () -> {
      double std = config.init().stddev(fanIn);
      // An int32 shape: TensorFlow's GPU kernel of the op takes no other, so an int64 one would
      // send the initializer to the CPU (devices --kernels --graph train).
      int[] dims = java.util.Arrays.stream(shape.asArray()).mapToInt(Math::toIntExact).toArray();
      var normal = o.random.randomStandardNormal(o.constant(dims), type,
          RandomStandardNormal.seed(config.seed()), RandomStandardNormal.seed2(seed2));
      return o.math.mul(normal, scalar(o, std));
    });
  }

  private Variable<TFloating> biases(Ops o, String layer, Tower t, int n, double value) {
    return variable(o, layer, t, "biases", Shape.of(n),
        () -> o.fill(o.constant(new int[] {n}), scalar(o, value)));
  }

  /**
   * A VariableV2 (TF Java's SavedModel export saves only this kind) with its initializer, or
   * the shared one of the same name when this replica reuses another's.
   */
  private Variable<TFloating> variable(Ops o, String layer, Tower t, String name, Shape shape,
      Supplier<Operand<TFloating>> init) {
    String key = layer + t.suffix(towers) + "/" + name;
    Variable<TFloating> v = replication.shared(key).orElse(null);
    if (v == null) {
      // A plain network makes its variables in the layer's own scope (same names, same device).
      Ops where = replication.home(key, shape).map(device -> varOps(layer, t, device)).orElse(o);
      Ops i = where.withInitScope();
      v = i.withName(name).variable(shape, type);
      i.withName(name + "_init").assign(v, init.get());
      replication.made(key, v);
    }
    params.add(new Param(v.op().name(), layer, v,
        handStages.getOrDefault(layer, handStages.size())));
    return v;
  }

  /** The root scope a replicated network's variable is made in, on its home device. */
  private Ops varOps(String layer, Tower t, String device) {
    Ops layerScope = varScopes.computeIfAbsent(layer, vars::withSubScope);
    String suffix = t.suffix(towers);
    Ops o = suffix.isEmpty() ? layerScope : varScopes.computeIfAbsent(layer + suffix,
        k -> layerScope.withSubScope(suffix.substring(1)));
    return o.withDevice(DevicePlan.spec(device));
  }

  /**
   * The backward stage of a layer whose gradient is written by hand: how many such layers lie
   * below it. A variable built before its layer has one is in the stage its layer will get.
   */
  private int handStage(String layer) {
    return handStages.computeIfAbsent(layer, k -> handStages.size());
  }

  private double bias() {
    return config.hiddenBias();
  }

  // ---- plumbing ----------------------------------------------------------------------------

  private PerTower perTower(Function<Tower, Operand<TFloating>> layer) {
    return new PerTower(towerList.stream().map(layer).toList());
  }

  private Ops onTower(Tower t) {
    return tf.withDevice(DevicePlan.spec(config.devices().tower(t.index())));
  }

  /**
   * Ops for tower t's part of a layer, pinned to the tower's device and named layer/A/..,
   * layer/B/.. (just layer/.. for the head and for one tower).
   */
  private Ops layerOps(String layer, Tower t) {
    Ops o = layerScopes.computeIfAbsent(layer, tf::withSubScope);
    o = o.withDevice(DevicePlan.spec(config.devices().tower(t.index())));
    String suffix = t.suffix(towers);
    return suffix.isEmpty() ? o : o.withSubScope(suffix.substring(1));
  }

  private void addRow(String layer, Tower t, Operand<TFloating> out, long nParams, long macs) {
    outputs.computeIfAbsent(layer, k -> new ArrayList<>()).add(out.asOutput());
    long[] d = out.shape().asArray();
    List<Long> shape = new ArrayList<>();
    for (int i = 1; i < d.length; i++) {
      shape.add(d[i]);
    }
    String device = config.devices().tower(t.index());
    LayerRow prev = rows.get(layer);
    if (prev != null) {
      // Towers side by side: channels (the last dimension) add up.
      int last = shape.size() - 1;
      shape.set(last, shape.get(last) + prev.outputShape().get(last));
      List<String> devices = new ArrayList<>(prev.devices());
      devices.add(device);
      rows.put(layer, new LayerRow(layer, shape, prev.params() + nParams,
          prev.multiplyAdds() + macs, devices));
    } else {
      rows.put(layer, new LayerRow(layer, shape, nParams, macs, new ArrayList<>(List.of(device))));
    }
  }

  private Operand<TFloating> scalar(Ops o, double v) {
    return o.dtypes.cast(o.constant(v), type);
  }

  private Operand<TFloating> one(Ops o) {
    return scalar(o, 1.0);
  }

  private Operand<TFloating> zero(Ops o) {
    return scalar(o, 0.0);
  }

  @SuppressWarnings("unchecked")
  private static Operand<TFloating> generic(Operand<? extends TFloating> x) {
    return (Operand<TFloating>) x;
  }

  // ---- accessors ---------------------------------------------------------------------------

  public ModelConfig config() {
    return config;
  }

  public Mode mode() {
    return mode;
  }

  /** Float images [batch, size, size, 3], NHWC, already pre-processed. */
  @Override
  public Output<TFloating> images() {
    return images.asOutput();
  }

  /** Int32 class ids [batch]; TRAIN mode only. */
  @Override
  public Output<TInt32> labels() {
    return requireTrain(labels).asOutput();
  }

  /** Bool scalar, default false: true turns dropout on. TRAIN mode only. */
  @Override
  public Output<TBool> training() {
    return requireTrain(training).asOutput();
  }

  public Output<TFloating> logits() {
    return logits.asOutput();
  }

  @Override
  public Output<TFloating> probabilities() {
    return probabilities.asOutput();
  }

  /** Int64 scalar, default 0, that with the model seed picks the dropout masks; TRAIN only. */
  @Override
  public Output<TInt64> dropoutSeed() {
    return requireTrain(dropoutSeed).asOutput();
  }

  /** Mean softmax cross-entropy over the batch; TRAIN mode only. */
  @Override
  public Output<TFloating> loss() {
    return requireTrain(loss).asOutput();
  }

  /**
   * Adds the gradients of {@link #loss()} ({@link LrnAwareGradients#ofLoss}); each call adds
   * another copy. TRAIN mode only.
   */
  @Override
  public List<Output<?>> addGradients(Output<?> seed) {
    return LrnAwareGradients.ofLoss(graph, this, seed);
  }

  /** Trainable variables in the order they were built. */
  @Override
  public List<Param> params() {
    return List.copyOf(params);
  }

  /** The LRN layers' ops, one per tower, in forward order. */
  public List<Lrn> lrns() {
    return handGradients.stream().filter(Lrn.class::isInstance).map(Lrn.class::cast).toList();
  }

  /** The layers whose backward step is written by hand, in forward order. */
  public List<HandGradient> handGradients() {
    return List.copyOf(handGradients);
  }

  /** The 0/1 dropout masks (TRAIN mode), fc6's towers then fc7's; feed them to fix the mask. */
  public List<Output<TFloating>> dropoutMasks() {
    return List.copyOf(dropoutMasks);
  }

  /** One row per layer, in forward order, for the summary table. */
  public List<LayerRow> layers() {
    return List.copyOf(rows.values());
  }

  /** Each layer's output, one per tower (tower A first), by layer name as in {@link #layers()}. */
  public List<Output<TFloating>> outputs(String layer) {
    List<Output<TFloating>> o = outputs.get(layer);
    if (o == null) {
      throw new IllegalArgumentException("no layer '" + layer + "'; layers: " + outputs.keySet());
    }
    return List.copyOf(o);
  }

  public long parameterCount() {
    return params.stream().mapToLong(Param::size).sum();
  }

  public long multiplyAdds() {
    return rows.values().stream().mapToLong(LayerRow::multiplyAdds).sum();
  }

  private <X> X requireTrain(X x) {
    if (x == null) {
      throw new IllegalStateException("only a TRAIN-mode graph has labels, training and loss");
    }
    return x;
  }

  @Override
  public String toString() {
    return "AlexNet" + Arrays.asList(config.variant().label(), mode) + " " + config;
  }
}
