package io.alexnet.inference;

import com.google.protobuf.InvalidProtocolBufferException;
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
import org.tensorflow.proto.AttrValue;
import org.tensorflow.proto.MetaGraphDef;
import org.tensorflow.proto.NodeDef;
import org.tensorflow.proto.SavedModel;
import org.tensorflow.proto.SignatureDef;
import org.tensorflow.proto.TensorInfo;

/**
 * An exported SavedModel on disk, read and checked without running any of it: the layout, the
 * tag, the {@value SavedModelExport#SERVING_DEFAULT} signature and the op allowlist. What
 * {@code inspect} prints comes from here; opening the model for use is the api's {@code Model},
 * which takes the weights from {@link #variables()} and the settings from {@link #settings()}.
 *
 * @param dir the version folder, holding saved_model.pb
 */
public record SavedModelFiles(Path dir, MetaGraphDef meta) {

  /**
   * Reads {@code path}: a version folder holding saved_model.pb, or a model folder of numbered
   * versions (the highest is taken). Refuses graphs with ops outside {@link OpAllowlist} unless
   * {@code trust}.
   */
  public static SavedModelFiles read(Path path, boolean trust) throws IOException {
    Path dir = resolveVersion(path);
    MetaGraphDef meta = readMeta(dir);
    if (!meta.getSignatureDefMap().containsKey(SavedModelExport.SERVING_DEFAULT)) {
      throw new IllegalArgumentException(dir + " has no '" + SavedModelExport.SERVING_DEFAULT
          + "' signature (it has " + meta.getSignatureDefMap().keySet() + ")");
    }
    Set<String> bad = OpAllowlist.forbidden(meta.getGraphDef());
    if (!bad.isEmpty() && !trust) {
      throw new IllegalArgumentException(dir + " uses ops an AlexNet inference graph does not"
          + " need: " + bad + ". Load it anyway only if you trust its author: --trust");
    }
    return new SavedModelFiles(dir, meta);
  }

  /** Whether {@code path} looks like a SavedModel (or a folder of its versions). */
  public static boolean isSavedModel(Path path) {
    try {
      resolveVersion(path);
      return true;
    } catch (IOException | IllegalArgumentException e) {
      return false;
    }
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
      return s.filter(p -> p.getFileName().toString().matches("\\d{1,18}"))
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

  /** The folder of the variables' checkpoint files (prefix {@code variables/variables}). */
  public Path variables() {
    return dir.resolve("variables");
  }

  /**
   * The settings of the run it was exported from (model, pre-processing, labels, statistics),
   * which every export since the run's settings were carried keeps in its assets.
   */
  public RunDir settings() {
    RunDir assets = new RunDir(dir.resolve("assets"));
    if (!assets.exists()) {
      throw new IllegalArgumentException(dir + " was exported before SavedModels carried"
          + " their run's settings (assets/" + RunDir.PROPERTIES + "); export it again from"
          + " its run folder");
    }
    return assets;
  }

  /** The class names in the assets (empty when there are none). */
  public List<String> labels() throws IOException {
    Path f = dir.resolve("assets").resolve(SavedModelExport.LABELS);
    return Files.exists(f) ? Files.readAllLines(f) : List.of();
  }

  public SignatureDef signature(String key) {
    SignatureDef s = meta.getSignatureDefMap().get(key);
    if (s == null) {
      throw new IllegalArgumentException("no signature " + key);
    }
    return s;
  }

  /** The input side length serving_default takes. */
  public int imageSize() {
    TensorInfo in = signature(SavedModelExport.SERVING_DEFAULT).getInputsMap().get(
        SavedModelExport.IMAGES);
    if (in == null) {
      throw new IllegalArgumentException(dir + ": the signature "
          + SavedModelExport.SERVING_DEFAULT + " has no input '" + SavedModelExport.IMAGES
          + "'; export the model again with this version's export command");
    }
    if (in.getTensorShape().getDimCount() != 4) {
      throw new IllegalArgumentException(dir + ": the input '" + SavedModelExport.IMAGES
          + "' is not a batch of images [n, size, size, 3]");
    }
    return (int) in.getTensorShape().getDim(1).getSize();
  }

  /** Names of the signatures, serving_default first. */
  public List<String> signatureNames() {
    List<String> names = new ArrayList<>(meta.getSignatureDefMap().keySet());
    names.sort(Comparator.comparing((String k) -> !k.equals(SavedModelExport.SERVING_DEFAULT))
        .thenComparing(Comparator.naturalOrder()));
    return names;
  }

  /** Distinct op types in the graph and its functions. */
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
        AttrValue shape = node.getAttrMap().get("shape");
        if (shape == null || !shape.hasShape()) {
          throw new IllegalArgumentException(dir + ": the variable '" + node.getName()
              + "' has no shape; the saved_model.pb is damaged, export the model again");
        }
        long size = 1;
        for (var d : shape.getShape().getDimList()) {
          if (d.getSize() < 0) {
            throw new IllegalArgumentException(dir + ": the variable '" + node.getName()
                + "' has an unknown dimension; the saved_model.pb is damaged, export the"
                + " model again");
          }
          size *= d.getSize();
        }
        n += size;
      }
    }
    return n;
  }
}
