package io.alexnet.inference;

import io.alexnet.data.Preprocessor;
import io.alexnet.io.AtomicFiles;
import io.alexnet.store.RunDir;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.tensorflow.Graph;
import org.tensorflow.Output;
import org.tensorflow.TensorFlow;
import org.tensorflow.proto.MetaGraphDef;
import org.tensorflow.proto.SavedModel;
import org.tensorflow.proto.SaverDef;
import org.tensorflow.proto.SignatureDef;
import org.tensorflow.proto.TensorInfo;
import org.tensorflow.proto.TensorShapeProto;

/**
 * Writes a trained run as a SavedModel in the layout TensorFlow Serving watches:
 * {@code MODEL_DIR/VERSION/saved_model.pb}, {@code variables/}, {@code assets/labels.txt}.
 *
 * <p>The graph is the inference network (no dropout, no training ops, no device pins) with two
 * signatures: {@value #SERVING_DEFAULT} takes pre-processed float images, {@value #CLASSIFY}
 * takes encoded JPEG/PNG bytes and does the pre-processing in the graph. Both return {@value
 * #PROBABILITIES} and {@value #TOP5}.
 *
 * <p>The MetaGraphDef is written here rather than by TF Java's exporter because that one names
 * the save tensor without its output index, which TensorFlow's own loaders reject.
 */
public final class SavedModelExport {
  public static final String SERVING_DEFAULT = "serving_default";
  public static final String CLASSIFY = "classify_images";
  public static final String IMAGES = "images";
  public static final String IMAGE_BYTES = "image_bytes";
  public static final String PROBABILITIES = "probabilities";
  public static final String TOP5 = "top5";
  public static final String TAG = "serve";
  public static final String LABELS = "labels.txt";
  public static final String PREPROCESSING = "preprocessing.properties";

  private SavedModelExport() {}

  /**
   * Exports {@code net}, whose settings (run.properties, labels, statistics) are in {@code
   * settings} (a run folder, or a SavedModel's assets), to {@code modelDir/version}. Refuses to
   * overwrite an existing version. Returns the version folder.
   */
  public static Path export(InferenceNetwork net, RunDir settings, Path modelDir, int version)
      throws IOException {
    if (version < 1) {
      throw new IllegalArgumentException("version must be a positive integer, got " + version);
    }
    Path out = modelDir.resolve(Integer.toString(version));
    if (Files.exists(out)) {
      throw new IllegalArgumentException(out + " already exists: pick another version");
    }
    Preprocessor pre = settings.preprocessor();
    List<String> labels = settings.labels();
    try {
      return AtomicFiles.publishFolder(out, tmp -> write(tmp, net, settings, pre, labels));
    } catch (IOException e) {
      throw new IOException("could not export " + out + ": " + e.getMessage() + ". Nothing"
          + " was left half-written, and whatever else " + modelDir + " holds is untouched.", e);
    }
  }

  private static void write(Path tmp, InferenceNetwork net, RunDir settings, Preprocessor pre,
      List<String> labels) throws IOException {
    SignatureDef serving = signature(Map.of(IMAGES, net.imagesInput()),
        Map.of(PROBABILITIES, net.probabilitiesOutput(), TOP5, net.top5Output()));
    SignatureDef classify = signature(Map.of(IMAGE_BYTES, net.imageBytesInput()),
        Map.of(PROBABILITIES, net.probabilitiesOutput(), TOP5, net.top5Output()));
    Files.createDirectories(tmp.resolve("variables"));
    // TF Java's saver (save/...) covers exactly the inference variables.
    net.saveVariables(tmp.resolve("variables").resolve("variables"));
    SaverDef saver = SaverDef.newBuilder()
        .setFilenameTensorName("save/filename:0")
        .setSaveTensorName("save/control_dependency:0")
        .setRestoreOpName("save/restore_all")
        .setMaxToKeep(5)
        .setVersion(SaverDef.CheckpointFormatVersion.V2)
        .build();
    requireOps(net.graph(), saver);
    MetaGraphDef meta = MetaGraphDef.newBuilder()
        .setMetaInfoDef(MetaGraphDef.MetaInfoDef.newBuilder().addTags(TAG)
            .setTensorflowVersion(TensorFlow.version()).setTensorflowGitVersion("tf-java"))
        .setGraphDef(net.graph().toGraphDef())
        .setSaverDef(saver)
        .putSignatureDef(SERVING_DEFAULT, serving)
        .putSignatureDef(CLASSIFY, classify)
        .build();
    try (OutputStream o = Files.newOutputStream(tmp.resolve("saved_model.pb"))) {
      SavedModel.newBuilder().setSavedModelSchemaVersion(1).addMetaGraphs(meta).build()
          .writeTo(o);
    }
    Path assets = Files.createDirectories(tmp.resolve("assets"));
    Files.write(assets.resolve(LABELS), labels);
    // What a client needs to pre-process images for serving_default itself.
    Files.copy(settings.stats(), assets.resolve(RunDir.STATS));
    // The run's settings too, so the export opens as a model and seeds fine-tuning runs.
    Files.copy(settings.dir().resolve(RunDir.PROPERTIES), assets.resolve(RunDir.PROPERTIES));
    Files.writeString(assets.resolve(PREPROCESSING),
        "image_size=" + net.config().imageSize() + "\ninput_scale=" + pre.scale()
            + "\nchannel_order=" + pre.channelOrder() + "\n");
  }

  /** A predict signature over graph tensors, in the form TF Serving and the C API read. */
  static SignatureDef signature(Map<String, Output<?>> inputs, Map<String, Output<?>> outputs) {
    SignatureDef.Builder b = SignatureDef.newBuilder().setMethodName("tensorflow/serving/predict");
    inputs.forEach((k, v) -> b.putInputs(k, info(v)));
    outputs.forEach((k, v) -> b.putOutputs(k, info(v)));
    return b.build();
  }

  private static TensorInfo info(Output<?> o) {
    TensorShapeProto.Builder shape = TensorShapeProto.newBuilder();
    if (o.shape().isUnknown()) {
      shape.setUnknownRank(true);
    } else {
      for (long d : o.shape().asArray()) {
        shape.addDim(TensorShapeProto.Dim.newBuilder().setSize(d));
      }
    }
    return TensorInfo.newBuilder().setName(o.name()).setDtype(o.dataType())
        .setTensorShape(shape).build();
  }

  /** The saver's tensors must resolve in the graph, or TensorFlow's loaders fail. */
  private static void requireOps(Graph g, SaverDef saver) {
    for (String t : List.of(saver.getFilenameTensorName(), saver.getSaveTensorName(),
        saver.getRestoreOpName())) {
      String op = t.contains(":") ? t.substring(0, t.indexOf(':')) : t;
      if (g.operation(op) == null) {
        throw new IllegalStateException("saver op " + op + " missing from the export graph");
      }
    }
  }
}
