package io.alexnet.inference;

import io.alexnet.data.Preprocessor;
import io.alexnet.eval.Classifier;
import io.alexnet.graph.AlexNet;
import io.alexnet.runtime.HostArray;
import io.alexnet.runtime.HostTensors;
import io.alexnet.graph.ModelConfig;
import io.alexnet.graph.Param;
import io.alexnet.runtime.Arithmetic;
import io.alexnet.runtime.SessionOptions;
import io.alexnet.store.Checkpoints;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.tensorflow.Graph;
import org.tensorflow.Operand;
import org.tensorflow.Output;
import org.tensorflow.Result;
import org.tensorflow.Session;
import org.tensorflow.Tensor;
import org.tensorflow.ndarray.NdArrays;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Placeholder;
import org.tensorflow.op.core.Variable;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt32;
import org.tensorflow.types.TString;
import org.tensorflow.types.family.TFloating;

/**
 * The inference network with a stored model's weights in a session: the one graph every use of
 * a trained model runs. It is the graph a SavedModel export writes, byte for byte: AlexNet
 * without dropout and without device pins, fed either pre-processed images ({@value
 * SavedModelExport#IMAGES}) or encoded files ({@value SavedModelExport#IMAGE_BYTES}, decoded
 * and pre-processed in the graph), with {@value SavedModelExport#PROBABILITIES} and {@value
 * SavedModelExport#TOP5} out. The graph does not change once built, so one instance serves
 * several threads at once.
 */
public final class InferenceNetwork implements Classifier, AutoCloseable {
  private final Graph graph;
  private final Session session;
  private final AlexNet net;
  private final ModelConfig model;
  private final Placeholder<TString> imageBytes;
  private final Output<TFloat32> probabilities;
  private final Output<TInt32> top5;
  private final Arithmetic arithmetic;

  private InferenceNetwork(ModelConfig model, Preprocessor pre, SessionOptions options) {
    this.arithmetic = options.arithmetic();
    this.model = model.unpinned().withArithmetic(arithmetic);
    graph = new Graph();
    Session s = null;
    try {
      Ops tf = Ops.create(graph);
      imageBytes = tf.withName(SavedModelExport.IMAGE_BYTES).placeholder(TString.class,
          Placeholder.shape(Shape.of(-1)));
      net = AlexNet.buildWithDefaultImages(graph, this.model,
          ImageDecoding.decodeBatch(tf, imageBytes, pre));
      probabilities = floats(net.probabilities());
      // An Identity named top5, so that "top5:0" is the class ids (TopKV2's :0 is the values).
      top5 = tf.withName(SavedModelExport.TOP5).identity(tf.nn.topK(probabilities,
          tf.constant(Math.min(5, this.model.classes())), TInt32.class).indices()).asOutput();
      s = new Session(graph, options.configProto(arithmetic));
      session = s;
    } catch (RuntimeException e) {
      if (s != null) {
        s.close();
      }
      graph.close();
      throw e;
    }
  }

  /**
   * The network of {@code model} with the variables of {@code weights}: a checkpoint folder
   * ({@code ckpt-N}, {@code best}) or a SavedModel's {@code variables} folder. The files are
   * checked against the fingerprints a checkpoint recorded before TensorFlow reads them; a
   * damaged or missing file is an IOException naming it, and nothing is left open. The session
   * runs with {@code options}' threads and precision; the variables stay float32.
   */
  public static InferenceNetwork restore(ModelConfig model, Preprocessor pre, Path weights,
      SessionOptions options) throws IOException {
    InferenceNetwork n = new InferenceNetwork(model, pre, options);
    try {
      Checkpoints.restoreVariables(n.session, weights);
      return n;
    } catch (IOException | RuntimeException e) {
      n.close();
      throw e;
    }
  }

  /**
   * The network of {@code model} with its variables set to {@code values} (by TensorFlow name,
   * as {@link #variables()} gives them): an imported model's weights, say. Every variable must
   * be given, in its shape.
   */
  public static InferenceNetwork withWeights(ModelConfig model, Preprocessor pre,
      Map<String, HostArray> values, SessionOptions options) {
    InferenceNetwork n = new InferenceNetwork(model, pre, options);
    try {
      n.assign(values);
      return n;
    } catch (RuntimeException e) {
      n.close();
      throw e;
    }
  }

  @SuppressWarnings("unchecked")
  private void assign(Map<String, HostArray> values) {
    List<Param> params = net.params();
    if (params.size() != values.size()) {
      throw new IllegalArgumentException(values.size() + " weight arrays for a network of "
          + params.size() + " variables");
    }
    // Built in a graph of its own scope before the first run; the graph is fixed afterwards.
    Ops tf = Ops.create(graph).withSubScope("assign");
    List<Placeholder<TFloat32>> feeds = new ArrayList<>();
    List<Operand<?>> assigns = new ArrayList<>();
    for (Param p : params) {
      HostArray v = values.get(p.name());
      if (v == null) {
        throw new IllegalArgumentException("no weights for " + p.name());
      }
      if (!Arrays.equals(v.shape(), p.shape().asArray())) {
        throw new IllegalArgumentException(p.name() + " is " + Arrays.toString(v.shape())
            + " in the weights given but " + p.shape() + " in the network");
      }
      Placeholder<TFloat32> ph = tf.placeholder(TFloat32.class, Placeholder.shape(p.shape()));
      feeds.add(ph);
      assigns.add(tf.assign((Variable<TFloat32>) p.variable(), ph));
    }
    for (int i = 0; i < params.size(); i++) {
      HostArray v = values.get(params.get(i).name());
      try (TFloat32 t = HostTensors.of(Shape.of(v.shape()), v.values())) {
        session.runner().feed(feeds.get(i), t).addTarget(assigns.get(i)).run();
      }
    }
  }

  /**
   * The graph a SavedModel of {@code model} holds, without weights: what TensorFlow Serving
   * would place on a host's devices.
   */
  public static org.tensorflow.proto.GraphDef graphOf(ModelConfig model, Preprocessor pre) {
    try (InferenceNetwork n = new InferenceNetwork(model, pre, SessionOptions.FLOAT32)) {
      return n.graph.toGraphDef();
    }
  }

  /** What the session computes in: float32, or a mixed precision's 16-bit kind. */
  public Arithmetic arithmetic() {
    return arithmetic;
  }

  /** The model this network was built for, without device pins. */
  public ModelConfig config() {
    return model;
  }

  /** The network's graph handles: layers, parameters, summary rows. */
  public AlexNet network() {
    return net;
  }

  /** Probabilities [n, classes], row-major, for pre-processed NHWC images. */
  @Override
  public float[] probabilities(float[] images, int n) {
    int s = model.imageSize();
    try (TFloat32 x = HostTensors.of(Shape.of(n, s, s, 3), images);
        Result r = session.runner().feed(net.images(), x).fetch(probabilities).run()) {
      return HostTensors.floats((TFloat32) r.get(0));
    }
  }

  /**
   * Probabilities [n, classes] for encoded image files (JPEG, PNG, GIF, BMP), decoded and
   * pre-processed inside the graph, as the {@value SavedModelExport#CLASSIFY} signature does.
   *
   * @throws IllegalArgumentException if TensorFlow cannot decode one of them
   */
  public float[] classify(List<byte[]> encoded) {
    try (TString x = TString.tensorOfBytes(NdArrays.vectorOfObjects(
            encoded.toArray(new byte[0][])));
        Result r = session.runner().feed(imageBytes, x).fetch(probabilities).run()) {
      return HostTensors.floats((TFloat32) r.get(0));
    } catch (org.tensorflow.exceptions.TensorFlowException e) {
      throw new IllegalArgumentException("TensorFlow could not decode an image: "
          + String.valueOf(e.getMessage()).lines().findFirst().orElse(""), e);
    }
  }

  /** Values per image of {@link #layer}: the towers' maps joined, flattened. */
  public int layerWidth(String layer) {
    int w = 0;
    for (Output<TFloating> o : net.outputs(layer)) {
      long per = 1;
      for (int i = 1; i < o.shape().numDimensions(); i++) {
        per *= o.shape().get(i);
      }
      w += Math.toIntExact(per);
    }
    return w;
  }

  /**
   * {@code layer}'s activations (a row of the summary: conv1 ... fc8, pool5, lrn2, ...) for
   * pre-processed NHWC images, one row of {@link #layerWidth} per image: the towers' maps joined
   * along the channels (tower A's first) and flattened row, column, channel.
   */
  public float[] layer(String layer, float[] images, int n) {
    List<Output<TFloating>> parts = net.outputs(layer);
    int s = model.imageSize();
    try (TFloat32 x = HostTensors.of(Shape.of(n, s, s, 3), images)) {
      Session.Runner run = session.runner().feed(net.images(), x);
      parts.forEach(run::fetch);
      try (Result r = run.run()) {
        List<float[]> values = new ArrayList<>();
        int[] channels = new int[parts.size()];
        for (int i = 0; i < parts.size(); i++) {
          values.add(HostTensors.floats((TFloat32) r.get(i)));
          Shape shape = parts.get(i).shape();
          channels[i] = Math.toIntExact(shape.get(shape.numDimensions() - 1));
        }
        int positions = values.get(0).length / n / channels[0];
        return joinChannels(values, n, positions, channels);
      }
    }
  }

  /**
   * The towers' outputs joined along their last axis: for each image and each of {@code
   * positions} positions, tower A's {@code channels[0]} values, then tower B's.
   */
  static float[] joinChannels(List<float[]> towers, int n, int positions, int[] channels) {
    if (towers.size() == 1) {
      return towers.get(0);
    }
    float[] out = new float[n * positions * Arrays.stream(channels).sum()];
    int o = 0;
    for (int i = 0; i < n; i++) {
      for (int p = 0; p < positions; p++) {
        for (int t = 0; t < towers.size(); t++) {
          System.arraycopy(towers.get(t), (i * positions + p) * channels[t], out, o, channels[t]);
          o += channels[t];
        }
      }
    }
    return out;
  }

  /** Every variable's value, by TensorFlow name, in the network's order. */
  public Map<String, HostArray> variables() {
    Map<String, HostArray> out = new LinkedHashMap<>();
    for (Param p : net.params()) {
      out.put(p.name(), variable(p.name()));
    }
    return out;
  }

  /** One variable's value: {@code conv1/A/weights}, {@code fc8/biases}, ... */
  public HostArray variable(String name) {
    try (Result r = session.runner().fetch(name).run()) {
      Tensor t = r.get(0);
      if (!(t instanceof TFloat32 f)) {
        throw new IllegalArgumentException("variable " + name + " is " + t.dataType()
            + ", not float32");
      }
      return new HostArray(t.shape().asArray(), HostTensors.floats(f));
    }
  }

  /** Saves the variables under checkpoint prefix {@code prefix} (TensorFlow's SaveV2 files). */
  public void saveVariables(Path prefix) {
    session.save(prefix.toString());
  }

  Graph graph() {
    return graph;
  }

  Output<?> imagesInput() {
    return net.images();
  }

  Output<?> imageBytesInput() {
    return imageBytes.asOutput();
  }

  Output<TFloat32> probabilitiesOutput() {
    return probabilities;
  }

  Output<TInt32> top5Output() {
    return top5;
  }

  @SuppressWarnings("unchecked")
  private static Output<TFloat32> floats(Output<TFloating> o) {
    return (Output<TFloat32>) (Output<?>) o;
  }

  /** Closes the session, then the graph (a graph waits for its open sessions). */
  @Override
  public void close() {
    session.close();
    graph.close();
  }
}
