package io.alexnet.export;

import com.google.protobuf.InvalidProtocolBufferException;
import io.alexnet.data.ChannelOrder;
import io.alexnet.data.DataStats;
import io.alexnet.data.Preprocessor;
import io.alexnet.graph.HostTensors;
import io.alexnet.io.PropertiesFile;
import io.alexnet.store.Checkpoints;
import io.alexnet.eval.Classifier;
import io.alexnet.store.RunDir;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.tensorflow.Result;
import org.tensorflow.SavedModelBundle;
import org.tensorflow.Session;
import org.tensorflow.ndarray.NdArrays;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.proto.MetaGraphDef;
import org.tensorflow.proto.NodeDef;
import org.tensorflow.proto.SavedModel;
import org.tensorflow.proto.SignatureDef;
import org.tensorflow.proto.TensorInfo;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt32;
import org.tensorflow.types.TString;

/**
 * An exported AlexNet loaded for inference: checked first (layout, tag, signatures, op
 * allowlist), then run through its signatures' tensors.
 */
public final class ServingModel implements AutoCloseable, Classifier {

  /** Probabilities [n, classes] and top-5 class ids [n, 5], row-major. */
  public record Prediction(int n, int classes, float[] probabilities, int[] top5) {}

  private final Path dir;
  private final MetaGraphDef meta;
  private final SavedModelBundle bundle;
  private final List<String> labels;

  private ServingModel(Path dir, MetaGraphDef meta, SavedModelBundle bundle,
      List<String> labels) {
    this.dir = dir;
    this.meta = meta;
    this.bundle = bundle;
    this.labels = labels;
  }

  /**
   * Loads {@code path}: a version folder holding saved_model.pb, or a model folder of numbered
   * versions (the highest is taken). Refuses graphs with ops outside {@link OpAllowlist} unless
   * {@code trust}.
   */
  public static ServingModel load(Path path, boolean trust) throws IOException {
    Path dir = resolveVersion(path);
    MetaGraphDef meta = readMeta(dir);
    for (String sig : List.of(SavedModelExport.SERVING_DEFAULT)) {
      if (!meta.getSignatureDefMap().containsKey(sig)) {
        throw new IllegalArgumentException(dir + " has no '" + sig + "' signature (it has "
            + meta.getSignatureDefMap().keySet() + ")");
      }
    }
    Set<String> bad = OpAllowlist.forbidden(meta.getGraphDef());
    if (!bad.isEmpty() && !trust) {
      throw new IllegalArgumentException(dir + " uses ops an AlexNet inference graph does not"
          + " need: " + bad + ". Load it anyway only if you trust its author: --trust");
    }
    Path labelsFile = dir.resolve("assets").resolve(SavedModelExport.LABELS);
    List<String> labels = Files.exists(labelsFile) ? Files.readAllLines(labelsFile) : List.of();
    SavedModelBundle bundle;
    try {
      bundle = SavedModelBundle.load(dir.toString(), SavedModelExport.TAG);
    } catch (RuntimeException e) {
      throw new IllegalArgumentException("TensorFlow could not load " + dir + ": "
          + e.getMessage(), e);
    }
    return new ServingModel(dir, meta, bundle, labels);
  }

  /** The version folder: {@code path} itself, or its highest-numbered sub-folder. */
  public static Path resolveVersion(Path path) throws IOException {
    if (!Files.isDirectory(path)) {
      throw new IllegalArgumentException("no such model folder: " + path);
    }
    if (Files.exists(path.resolve("saved_model.pb"))) {
      return path;
    }
    try (Stream<Path> s = Files.list(path)) {
      return s.filter(p -> p.getFileName().toString().matches("\\d+"))
          .filter(p -> Files.exists(p.resolve("saved_model.pb")))
          .max(Comparator.comparingLong(p -> Long.parseLong(p.getFileName().toString())))
          .orElseThrow(() -> new IllegalArgumentException(path + " is not a SavedModel: no"
              + " saved_model.pb in it or in a numbered version folder"));
    }
  }

  static MetaGraphDef readMeta(Path dir) throws IOException {
    SavedModel sm;
    try {
      sm = SavedModel.parseFrom(Files.readAllBytes(dir.resolve("saved_model.pb")));
    } catch (InvalidProtocolBufferException e) {
      throw new IllegalArgumentException(dir.resolve("saved_model.pb")
          + " is corrupt (not a SavedModel protocol buffer)");
    }
    if (!Files.exists(dir.resolve("variables").resolve("variables.index"))) {
      throw new IllegalArgumentException(dir + " has no variables/variables.index");
    }
    return sm.getMetaGraphsList().stream()
        .filter(m -> m.getMetaInfoDef().getTagsList().contains(SavedModelExport.TAG))
        .findFirst().orElseThrow(() -> new IllegalArgumentException(dir
            + " has no meta graph tagged '" + SavedModelExport.TAG + "'"));
  }

  public Path dir() {
    return dir;
  }

  /** The loaded model's session, for reading its variables; closed with this model. */
  public Session session() {
    return bundle.session();
  }

  public List<String> labels() {
    return labels;
  }

  public MetaGraphDef metaGraph() {
    return meta;
  }

  /** The input side length the model takes. */
  public int imageSize() {
    TensorInfo in = signature(SavedModelExport.SERVING_DEFAULT).getInputsOrThrow(
        SavedModelExport.IMAGES);
    return (int) in.getTensorShape().getDim(1).getSize();
  }

  public SignatureDef signature(String key) {
    SignatureDef s = meta.getSignatureDefMap().get(key);
    if (s == null) {
      throw new IllegalArgumentException("no signature " + key);
    }
    return s;
  }

  /** serving_default on pre-processed images, NHWC float [n, size, size, 3]. */
  public Prediction predict(float[] images, int n) {
    int s = imageSize();
    SignatureDef sig = signature(SavedModelExport.SERVING_DEFAULT);
    try (TFloat32 x = HostTensors.of(Shape.of(n, s, s, 3), images)) {
      return run(sig, sig.getInputsOrThrow(SavedModelExport.IMAGES).getName(), x, n);
    }
  }

  @Override
  public float[] probabilities(float[] images, int n) {
    return predict(images, n).probabilities();
  }

  /** The pre-processing the model was trained with (from its assets). */
  public Preprocessor preprocessor() throws IOException {
    Path assets = dir.resolve("assets");
    if (!Files.exists(assets.resolve(SavedModelExport.PREPROCESSING))) {
      throw new IllegalArgumentException(dir + " has no assets/"
          + SavedModelExport.PREPROCESSING + ": not exported by this tool, use predict instead");
    }
    var p = PropertiesFile.read(assets.resolve(SavedModelExport.PREPROCESSING)).values();
    DataStats stats = DataStats.load(assets.resolve(RunDir.STATS));
    return new Preprocessor(Integer.parseInt(p.getProperty("image_size")), stats.mean(),
        Float.parseFloat(p.getProperty("input_scale")),
        ChannelOrder.parse(p.getProperty("channel_order", "RGB")));
  }

  /** classify_images on encoded image files. */
  public Prediction classify(List<byte[]> encoded) {
    SignatureDef sig = signature(SavedModelExport.CLASSIFY);
    var nd = NdArrays.vectorOfObjects(encoded.toArray(new byte[0][]));
    try (TString x = TString.tensorOfBytes(nd)) {
      return run(sig, sig.getInputsOrThrow(SavedModelExport.IMAGE_BYTES).getName(), x,
          encoded.size());
    }
  }

  private Prediction run(SignatureDef sig, String input, org.tensorflow.Tensor x, int n) {
    Session s = bundle.session();
    try (Result r = s.runner().feed(input, x)
        .fetch(sig.getOutputsOrThrow(SavedModelExport.PROBABILITIES).getName())
        .fetch(sig.getOutputsOrThrow(SavedModelExport.TOP5).getName()).run()) {
      float[] p = HostTensors.floats((TFloat32) r.get(0));
      int[] top = HostTensors.ints((TInt32) r.get(1));
      return new Prediction(n, n == 0 ? 0 : p.length / n, p, top);
    }
  }

  /** Distinct op types in the graph. */
  public Set<String> ops() {
    Set<String> ops = new TreeSet<>();
    for (NodeDef node : meta.getGraphDef().getNodeList()) {
      ops.add(node.getOp());
    }
    meta.getGraphDef().getLibrary().getFunctionList()
        .forEach(f -> f.getNodeDefList().forEach(node -> ops.add(node.getOp())));
    return ops;
  }

  /** Trainable parameter count: the sizes of the variables the saver restores. */
  public long parameterCount() {
    long n = 0;
    for (NodeDef node : meta.getGraphDef().getNodeList()) {
      if (node.getOp().equals("VariableV2")) {
        long size = 1;
        for (var d : node.getAttrOrThrow("shape").getShape().getDimList()) {
          size *= d.getSize();
        }
        n += size;
      }
    }
    return n;
  }

  /** Names of the signatures, serving_default first. */
  public List<String> signatureNames() {
    List<String> names = new ArrayList<>(meta.getSignatureDefMap().keySet());
    names.sort(Comparator.comparing((String k) -> !k.equals(SavedModelExport.SERVING_DEFAULT))
        .thenComparing(Comparator.naturalOrder()));
    return names;
  }

  @Override
  public void close() {
    bundle.close();
  }
}
