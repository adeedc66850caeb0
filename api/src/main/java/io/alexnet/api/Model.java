package io.alexnet.api;

import io.alexnet.data.BadExampleException;
import io.alexnet.data.Dataset;
import io.alexnet.data.Preprocessor;
import io.alexnet.data.RgbImage;
import io.alexnet.eval.EvalListener;
import io.alexnet.eval.EvalOptions;
import io.alexnet.eval.EvalResult;
import io.alexnet.eval.Evaluator;
import io.alexnet.inference.InferenceNetwork;
import io.alexnet.inference.SavedModelExport;
import io.alexnet.inference.SavedModelFiles;
import io.alexnet.runtime.HostArray;
import io.alexnet.graph.ModelConfig;
import io.alexnet.graph.ModelSummary;
import io.alexnet.graph.Param;
import io.alexnet.onnx.OnnxExport;
import io.alexnet.onnx.TrainedWeights;
import io.alexnet.store.Checkpoints;
import io.alexnet.runtime.Arithmetic;
import io.alexnet.runtime.SessionOptions;
import io.alexnet.store.RunDir;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.TreeMap;
import java.util.stream.IntStream;

/**
 * A trained AlexNet, opened from disk and ready to use: a training run's folder (its best
 * checkpoint, else its newest, or one named; an imported model is a run folder too) or an
 * exported SavedModel. Opening checks the weights (a checkpoint's files against the sizes and
 * CRC-32C its save recorded) and restores them into the inference network, so a damaged model
 * fails here, with a message naming the file, and not halfway through a job. Every command
 * that reads weights opens them this way. Holds TensorFlow's native graph and session: close
 * it. One instance may serve several threads at once.
 *
 * <pre>{@code
 * try (Model model = Model.load(Path.of("runs/fashion-mnist"))) {
 *   List<Prediction> top5 = model.predict(Path.of("shirt.png"), 5);
 * }
 * }</pre>
 */
public final class Model implements AutoCloseable {
  /** Opens the best checkpoint (else the newest) of a run, or a SavedModel. */
  public static final String BEST = "best";
  /** Opens a run's newest checkpoint. */
  public static final String LATEST = Checkpoints.LATEST;

  private final Path path;
  private final RunDir settings;
  private final Path weights;
  private final String description;
  private final ModelConfig config;
  private final Preprocessor pre;
  private final List<String> labels;
  private final InferenceNetwork net;

  private Model(Path path, RunDir settings, Path weights, String description,
      SessionOptions session) throws IOException {
    this.path = path;
    this.settings = settings;
    this.weights = weights;
    this.description = description;
    this.config = settings.model();
    this.pre = settings.preprocessor();
    this.labels = List.copyOf(settings.labels());
    this.net = InferenceNetwork.restore(config, pre, weights, session);
  }

  /**
   * Opens a run folder (its best checkpoint, else its newest) or a SavedModel.
   *
   * @param path a run folder or a SavedModel (its model folder or a version folder)
   * @return the opened model; close it
   * @throws AlexNetException if it is not a model, or a file of it is missing or damaged
   */
  public static Model load(Path path) {
    return loader(path).load();
  }

  /**
   * Opens {@code path} with choices: which checkpoint, whether to trust a SavedModel.
   *
   * @param path a run folder or a SavedModel
   * @return a loader to set the choices on, then {@link Loader#load}
   */
  public static Loader loader(Path path) {
    return new Loader(path);
  }

  /** How to open a model: {@code Model.loader(path).checkpoint("latest").load()}. */
  public static final class Loader {
    private final Path path;
    private String checkpoint = BEST;
    private boolean trust;
    private SessionOptions session = SessionOptions.DEFAULT;

    private Loader(Path path) {
      this.path = path;
    }

    /**
     * For a run folder: {@value Model#BEST} (the default; the newest when no best is kept),
     * {@value Model#LATEST}, a checkpoint's name ({@code ckpt-1200}) or its folder.
     *
     * @param c best, latest, ckpt-N or a checkpoint folder
     * @return this loader
     */
    public Loader checkpoint(String c) {
      checkpoint = c;
      return this;
    }

    /**
     * For a SavedModel: open it even when its graph has ops an AlexNet does not need (only
     * for a model from someone you trust).
     *
     * @param t whether to open a graph with unexpected ops
     * @return this loader
     */
    public Loader trust(boolean t) {
      trust = t;
      return this;
    }

    /**
     * The session's threads and precision (default: all cores, auto precision: mixed where
     * this machine computes in 16 bits natively). The weights are float32 either way.
     *
     * @param o the session options
     * @return this loader
     */
    public Loader session(SessionOptions o) {
      session = o;
      return this;
    }

    /**
     * Opens it.
     *
     * @throws AlexNetException if it is not a model, or a file of it is missing or damaged
     *
     * @return the opened model; close it
     */
    public Model load() {
      try {
        if (Files.exists(path.resolve(RunDir.PROPERTIES))) {
          RunDir run = new RunDir(path);
          Path ckpt = checkpointOf(run, checkpoint);
          return new Model(path, run, ckpt, "run " + path + " (" + ckpt.getFileName() + ")",
              session);
        }
        if (Files.isDirectory(path) && !SavedModelFiles.isSavedModel(path)) {
          throw new IllegalArgumentException(path + " is not a model: no " + RunDir.PROPERTIES
              + " (a run folder) and no saved_model.pb (a SavedModel)");
        }
        if (!checkpoint.equals(BEST)) {
          throw new IllegalArgumentException(path + " is not a run folder (no "
              + RunDir.PROPERTIES + "), so it has no checkpoint '" + checkpoint + "' to choose");
        }
        SavedModelFiles saved = SavedModelFiles.read(path, trust);
        return new Model(path, saved.settings(), saved.variables(), "SavedModel " + saved.dir(),
            session);
      } catch (IOException | UncheckedIOException | IllegalArgumentException e) {
        throw new AlexNetException(e.getMessage(), e);
      }
    }
  }

  /** The checkpoint folder {@code which} names in {@code run}, as the store resolves it. */
  private static Path checkpointOf(RunDir run, String which) throws IOException {
    run.properties(); // refuses a damaged run.properties, with the reason
    if (!Files.isDirectory(run.checkpoints())) {
      throw new IllegalArgumentException(run.dir() + " has no checkpoint yet");
    }
    return new Checkpoints(run.checkpoints(), Integer.MAX_VALUE).resolve(which);
  }

  /**
   * The class names, index = class id.
   *
   * @return one name per class, in class order
   */
  public List<String> labels() {
    return labels;
  }

  /**
   * How the model turns an image into the network's input.
   *
   * @return the mean image, scale, channel order and crop of the model's input
   */
  public Preprocessor preprocessor() {
    return pre;
  }

  /**
   * The network's settings (variant, classes, input size, LRN constants).
   *
   * @return the model's configuration, without device pins
   */
  public ModelConfig config() {
    return config;
  }

  /**
   * What the model computes in: float32, or mixed precision's 16-bit kind ({@link
   * Arithmetic#precision()} gives float32 or mixed).
   *
   * @return the session's arithmetic
   */
  public Arithmetic arithmetic() {
    return net.arithmetic();
  }

  /**
   * Where it came from, for logs: "run DIR (ckpt-N)" or "SavedModel DIR".
   *
   * @return a short description for logs and reports
   */
  public String description() {
    return description;
  }

  /**
   * The folder it was opened from.
   *
   * @return the path given to {@link #load}
   */
  public Path path() {
    return path;
  }

  /**
   * The run's settings as run.properties records them (model, pre-processing, the data it was
   * trained on, where an import or fine-tuning came from).
   *
   * @return the settings by key, sorted
   */
  public Map<String, String> settings() {
    try {
      Properties p = settings.properties();
      Map<String, String> out = new TreeMap<>();
      p.stringPropertyNames().forEach(k -> out.put(k, p.getProperty(k)));
      return out;
    } catch (IOException e) {
      throw new AlexNetException(e.getMessage(), e);
    }
  }

  /**
   * The folder of the run it was trained in, when it was opened from one.
   *
   * @return the run folder, or empty for a SavedModel
   */
  public Optional<Path> runFolder() {
    return settings.dir().equals(path) ? Optional.of(path) : Optional.empty();
  }

  /**
   * The network as a table, like Keras' {@code model.summary()}.
   *
   * @return one row per layer: output shape, parameters, multiply-adds, device; then totals
   */
  public String summary() {
    return ModelSummary.of(config);
  }

  /**
   * Multiply-adds per image of the network's forward pass.
   *
   * @return the multiply-adds of one image's forward pass
   */
  public long multiplyAdds() {
    return net.network().multiplyAdds();
  }

  /**
   * The {@code k} most probable classes for an image, most probable first.
   *
   * @param image any size; it is pre-processed as the model's training data was
   * @param k how many classes
   * @return the top {@code k}, most probable first
   */
  public List<Prediction> predict(BufferedImage image, int k) {
    return predict(List.of(image), k).get(0);
  }

  /**
   * The same for an image file (JPEG, PNG, BMP, GIF).
   *
   * @param imageFile a JPEG, PNG, BMP or GIF file
   * @param k how many classes
   * @return the top {@code k}, most probable first
   * @throws AlexNetException if the file cannot be read or is not an image
   */
  public List<Prediction> predict(Path imageFile, int k) {
    try {
      return top(probabilities(List.of(RgbImage.read(imageFile))), 0, k);
    } catch (BadExampleException e) {
      throw new AlexNetException(e.getMessage(), e);
    }
  }

  /**
   * The same for an encoded image's bytes.
   *
   * @param encoded a JPEG, PNG, BMP or GIF file's bytes
   * @param k how many classes
   * @return the top {@code k}, most probable first
   * @throws AlexNetException if the bytes are not an image
   */
  public List<Prediction> predict(byte[] encoded, int k) {
    try {
      return top(probabilities(List.of(RgbImage.decode(encoded))), 0, k);
    } catch (BadExampleException e) {
      throw new AlexNetException(e.getMessage(), e);
    }
  }

  /**
   * The {@code k} most probable classes for each of a batch of images, in one run.
   *
   * @param images any sizes
   * @param k how many classes per image
   * @return per image, its top {@code k}, most probable first
   */
  public List<List<Prediction>> predict(List<BufferedImage> images, int k) {
    float[] p = probabilities(images.stream().map(RgbImage::of).toList());
    List<List<Prediction>> out = new ArrayList<>();
    for (int i = 0; i < images.size(); i++) {
      out.add(top(p, i, k));
    }
    return out;
  }

  /**
   * Class probabilities [n, classes] for images that are already pre-processed (NHWC).
   *
   * @param images NHWC [n, size, size, 3], row-major
   * @param n how many images
   * @return [n, classes], row-major
   */
  public float[] probabilities(float[] images, int n) {
    return run(() -> net.probabilities(images, n));
  }

  /**
   * Class probabilities [n, classes] for encoded files, decoded and pre-processed inside the
   * graph, as a SavedModel's {@value SavedModelExport#CLASSIFY} signature does it.
   *
   * @param encoded JPEG, PNG, BMP or GIF files' bytes, of any sizes
   * @return [n, classes], row-major
   * @throws AlexNetException if TensorFlow cannot decode one of them
   */
  public float[] classify(List<byte[]> encoded) {
    try {
      return net.classify(encoded);
    } catch (IllegalArgumentException e) {
      throw new AlexNetException(e.getMessage(), e);
    }
  }

  private float[] probabilities(List<RgbImage> images) {
    int per = pre.crop() * pre.crop() * 3;
    float[] x = new float[images.size() * per];
    for (int i = 0; i < images.size(); i++) {
      pre.centralCropInto(images.get(i), x, i * per);
    }
    return run(() -> net.probabilities(x, images.size()));
  }

  private List<Prediction> top(float[] p, int row, int k) {
    int width = config.classes();
    List<Prediction> out = new ArrayList<>();
    for (int c : io.alexnet.eval.TopK.top(p, row, width, k)) {
      out.add(new Prediction(c, c < labels.size() ? labels.get(c) : Integer.toString(c),
          p[row * width + c]));
    }
    return out;
  }


  /**
   * Top-1 and top-5 error, confusion matrix and images/s on {@code data}, central crops.
   *
   * @param data labelled images
   * @return the errors, the confusion matrix and the speed
   */
  public EvalResult evaluate(Dataset data) {
    return evaluate(data, EvalOptions.DEFAULT, EvalListener.NONE);
  }

  /**
   * The same with {@code options} (batch size, decoding threads, 1 or 10 crops); {@code
   * listener} sees each batch's scores and the progress, so a report or a progress bar needs no
   * second pass.
   *
   * @param data labelled images
   * @param options batch size, decoding threads, crops
   * @param listener told each batch's scores and the progress
   * @return the errors, the confusion matrix and the speed
   */
  public EvalResult evaluate(Dataset data, EvalOptions options, EvalListener listener) {
    try {
      return run(() -> Evaluator.evaluate(net, data, pre, options, listener));
    } catch (UncheckedIOException e) {
      throw new AlexNetException(e.getMessage(), e);
    }
  }

  /**
   * A layer's activations as image features: {@code fc7} (Section 6.1 compares images by it),
   * {@code fc6}, {@code pool5}, or any row of {@link #summary()}.
   *
   * @param layer a row of the summary: conv1 ... fc8, pool5, lrn2, ...
   * @return the layer's features, valid while this model is open
   * @throws AlexNetException if the network has no such layer
   */
  public Features features(String layer) {
    try {
      return new Features(net, pre, layer);
    } catch (IllegalArgumentException e) {
      throw new AlexNetException(e.getMessage(), e);
    }
  }

  /**
   * A variable's value: {@code conv1/A/weights} (kernels HWIO), {@code fc8/biases}, ...
   *
   * @param name the variable's TensorFlow name
   * @return its value and shape
   * @throws AlexNetException if the network has no such variable
   */
  public HostArray variable(String name) {
    try {
      return net.variable(name);
    } catch (RuntimeException e) {
      throw new AlexNetException("the model has no variable " + name, e);
    }
  }

  /**
   * Writes the model as a SavedModel into {@code modelDir/version} for TensorFlow Serving and
   * other languages; returns the version folder. Nothing is left half-written on failure.
   *
   * @param modelDir the model folder TensorFlow Serving watches
   * @param version the version folder to write; it must not exist yet
   * @return the version folder
   * @throws AlexNetException if the version exists or the export cannot be written
   */
  public Path exportSavedModel(Path modelDir, int version) {
    try {
      if (net.arithmetic() == Arithmetic.FLOAT32) {
        return SavedModelExport.export(net, settings, modelDir, version);
      }
      // The file holds the graph as built for float32 (a bfloat16 graph differs at conv1), so
      // that a SavedModel is the same whatever precision the model was opened in.
      try (InferenceNetwork exact = InferenceNetwork.restore(config, pre, weights,
          SessionOptions.FLOAT32)) {
        return SavedModelExport.export(exact, settings, modelDir, version);
      }
    } catch (IOException | IllegalArgumentException e) {
      throw new AlexNetException(e.getMessage(), e);
    }
  }

  /**
   * Writes the model as one ONNX file (opset 13) for ONNX Runtime and the like.
   *
   * @param file the .onnx file to write; it must not exist yet
   * @return {@code file}
   * @throws AlexNetException if the file exists or cannot be written
   */
  public Path exportOnnx(Path file) {
    try {
      OnnxExport.write(TrainedWeights.of(net), pre, labels, file);
      return file;
    } catch (IOException | IllegalArgumentException e) {
      throw new AlexNetException(e.getMessage(), e);
    }
  }

  /**
   * Runs TensorFlow, its failures (a batch too large for memory, say) as AlexNetException.
   */
  static <T> T run(java.util.function.Supplier<T> work) {
    try {
      return work.get();
    } catch (org.tensorflow.exceptions.TensorFlowException e) {
      throw new AlexNetException("TensorFlow failed: "
          + String.valueOf(e.getMessage()).lines().findFirst().orElse(""), e);
    }
  }

  /** The files it was opened from: run.properties and the rest of the settings. */
  RunDir settingsFolder() {
    return settings;
  }

  /** The network's variables, in its order. */
  List<Param> params() {
    return net.network().params();
  }

  /** The checkpoint prefix of its weights ({@code .../variables}). */
  Path weightsPrefix() {
    return weights.resolve(Checkpoints.VARIABLES);
  }

  /** Closes TensorFlow's session and graph. */
  @Override
  public void close() {
    net.close();
  }
}
