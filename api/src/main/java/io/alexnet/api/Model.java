package io.alexnet.api;

import io.alexnet.data.BadExampleException;
import io.alexnet.data.Dataset;
import io.alexnet.data.Preprocessor;
import io.alexnet.data.RgbImage;
import io.alexnet.eval.EvalListener;
import io.alexnet.eval.EvalOptions;
import io.alexnet.eval.EvalResult;
import io.alexnet.eval.Evaluator;
import io.alexnet.export.InferenceNetwork;
import io.alexnet.export.SavedModelExport;
import io.alexnet.export.SavedModelFiles;
import io.alexnet.graph.HostArray;
import io.alexnet.graph.ModelConfig;
import io.alexnet.graph.ModelSummary;
import io.alexnet.graph.Param;
import io.alexnet.onnx.OnnxExport;
import io.alexnet.onnx.TrainedWeights;
import io.alexnet.store.Checkpoints;
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
  public static final String LATEST = "latest";

  private final Path path;
  private final RunDir settings;
  private final Path weights;
  private final String description;
  private final ModelConfig config;
  private final Preprocessor pre;
  private final List<String> labels;
  private final InferenceNetwork net;

  private Model(Path path, RunDir settings, Path weights, String description) throws IOException {
    this.path = path;
    this.settings = settings;
    this.weights = weights;
    this.description = description;
    this.config = settings.model();
    this.pre = settings.preprocessor();
    this.labels = List.copyOf(settings.labels());
    this.net = InferenceNetwork.restore(config, pre, weights);
  }

  /** Opens a run folder (its best checkpoint, else its newest) or a SavedModel. */
  public static Model load(Path path) {
    return loader(path).load();
  }

  /** Opens {@code path} with choices: which checkpoint, whether to trust a SavedModel. */
  public static Loader loader(Path path) {
    return new Loader(path);
  }

  /** How to open a model: {@code Model.loader(path).checkpoint("latest").load()}. */
  public static final class Loader {
    private final Path path;
    private String checkpoint = BEST;
    private boolean trust;

    private Loader(Path path) {
      this.path = path;
    }

    /**
     * For a run folder: {@value Model#BEST} (the default; the newest when no best is kept),
     * {@value Model#LATEST}, a checkpoint's name ({@code ckpt-1200}) or its folder.
     */
    public Loader checkpoint(String c) {
      checkpoint = c;
      return this;
    }

    /**
     * For a SavedModel: open it even when its graph has ops an AlexNet does not need (only
     * for a model from someone you trust).
     */
    public Loader trust(boolean t) {
      trust = t;
      return this;
    }

    /**
     * Opens it.
     *
     * @throws AlexNetException if it is not a model, or a file of it is missing or damaged
     */
    public Model load() {
      try {
        if (Files.exists(path.resolve(RunDir.PROPERTIES))) {
          RunDir run = new RunDir(path);
          Path ckpt = checkpointOf(run, checkpoint);
          return new Model(path, run, ckpt, "run " + path + " (" + ckpt.getFileName() + ")");
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
        return new Model(path, saved.settings(), saved.variables(), "SavedModel " + saved.dir());
      } catch (IOException | UncheckedIOException e) {
        throw new AlexNetException(e.getMessage(), e);
      } catch (IllegalArgumentException e) {
        throw new AlexNetException(e.getMessage(), e);
      }
    }
  }

  /** The checkpoint folder {@code which} names in {@code run}. */
  private static Path checkpointOf(RunDir run, String which) throws IOException {
    run.properties(); // refuses a damaged run.properties, with the reason
    Checkpoints all = new Checkpoints(run.checkpoints(), Integer.MAX_VALUE);
    Optional<Path> found = switch (which) {
      case BEST -> all.bestOrLatest();
      case LATEST -> all.latest();
      default -> {
        Path named = run.checkpoints().resolve(which);
        Path given = Path.of(which);
        yield Files.isDirectory(named) ? Optional.of(named)
            : Files.isDirectory(given) ? Optional.of(given) : Optional.empty();
      }
    };
    return found.orElseThrow(() -> new IllegalArgumentException(
        which.equals(BEST) || which.equals(LATEST) ? run.dir() + " has no checkpoint yet"
            : "no checkpoint '" + which + "' in " + run.checkpoints()));
  }

  /** The class names, index = class id. */
  public List<String> labels() {
    return labels;
  }

  /** How the model turns an image into the network's input. */
  public Preprocessor preprocessor() {
    return pre;
  }

  /** The network's settings (variant, classes, input size, LRN constants). */
  public ModelConfig config() {
    return config;
  }

  /** Where it came from, for logs: "run DIR (ckpt-N)" or "SavedModel DIR". */
  public String description() {
    return description;
  }

  /** The folder it was opened from. */
  public Path path() {
    return path;
  }

  /**
   * The run's settings as run.properties records them (model, pre-processing, the data it was
   * trained on, where an import or fine-tuning came from).
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

  /** The folder of the run it was trained in, when it was opened from one. */
  public Optional<Path> runFolder() {
    return settings.dir().equals(path) ? Optional.of(path) : Optional.empty();
  }

  /** The network as a table, like Keras' {@code model.summary()}. */
  public String summary() {
    return ModelSummary.of(net.network());
  }

  /** Multiply-adds per image of the network's forward pass. */
  public long multiplyAdds() {
    return net.network().multiplyAdds();
  }

  /** The {@code k} most probable classes for an image, most probable first. */
  public List<Prediction> predict(BufferedImage image, int k) {
    return predict(List.of(image), k).get(0);
  }

  /** The same for an image file (JPEG, PNG, BMP, GIF). */
  public List<Prediction> predict(Path imageFile, int k) {
    try {
      return top(probabilities(List.of(RgbImage.read(imageFile))), 0, k);
    } catch (BadExampleException e) {
      throw new AlexNetException(e.getMessage(), e);
    }
  }

  /** The same for an encoded image's bytes. */
  public List<Prediction> predict(byte[] encoded, int k) {
    try {
      return top(probabilities(List.of(RgbImage.decode(encoded))), 0, k);
    } catch (BadExampleException e) {
      throw new AlexNetException(e.getMessage(), e);
    }
  }

  /** The {@code k} most probable classes for each of a batch of images, in one run. */
  public List<List<Prediction>> predict(List<BufferedImage> images, int k) {
    float[] p = probabilities(images.stream().map(RgbImage::of).toList());
    List<List<Prediction>> out = new ArrayList<>();
    for (int i = 0; i < images.size(); i++) {
      out.add(top(p, i, k));
    }
    return out;
  }

  /** Class probabilities [n, classes] for images that are already pre-processed (NHWC). */
  public float[] probabilities(float[] images, int n) {
    return net.probabilities(images, n);
  }

  /**
   * Class probabilities [n, classes] for encoded files, decoded and pre-processed inside the
   * graph, as a SavedModel's {@value SavedModelExport#CLASSIFY} signature does it.
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
    return net.probabilities(x, images.size());
  }

  private List<Prediction> top(float[] p, int row, int k) {
    int width = config.classes();
    int from = row * width;
    List<Prediction> out = new ArrayList<>();
    IntStream.range(0, width).boxed()
        .sorted(Comparator.comparingDouble(c -> -p[from + c])).limit(k)
        .forEach(c -> out.add(new Prediction(c,
            c < labels.size() ? labels.get(c) : Integer.toString(c), p[from + c])));
    return out;
  }

  /** Top-1 and top-5 error, confusion matrix and images/s on {@code data}, central crops. */
  public EvalResult evaluate(Dataset data) {
    return evaluate(data, EvalOptions.DEFAULT, EvalListener.NONE);
  }

  /**
   * The same with {@code options} (batch size, decoding threads, 1 or 10 crops); {@code
   * listener} sees each batch's scores and the progress, so a report or a progress bar needs no
   * second pass.
   */
  public EvalResult evaluate(Dataset data, EvalOptions options, EvalListener listener) {
    try {
      return Evaluator.evaluate(net, data, pre, options, listener);
    } catch (UncheckedIOException e) {
      throw new AlexNetException(e.getMessage(), e);
    }
  }

  /**
   * A layer's activations as image features: {@code fc7} (Section 6.1 compares images by it),
   * {@code fc6}, {@code pool5}, or any row of {@link #summary()}.
   */
  public Features features(String layer) {
    try {
      return new Features(net, pre, layer);
    } catch (IllegalArgumentException e) {
      throw new AlexNetException(e.getMessage(), e);
    }
  }

  /** A variable's value: {@code conv1/A/weights} (kernels HWIO), {@code fc8/biases}, ... */
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
   */
  public Path exportSavedModel(Path modelDir, int version) {
    try {
      return SavedModelExport.export(net, settings, modelDir, version);
    } catch (IOException e) {
      throw new AlexNetException(e.getMessage(), e);
    } catch (IllegalArgumentException e) {
      throw new AlexNetException(e.getMessage(), e);
    }
  }

  /** Writes the model as one ONNX file (opset 13) for ONNX Runtime and the like. */
  public Path exportOnnx(Path file) {
    try {
      OnnxExport.write(TrainedWeights.of(net), pre, labels, file);
      return file;
    } catch (IOException e) {
      throw new AlexNetException(e.getMessage(), e);
    } catch (IllegalArgumentException e) {
      throw new AlexNetException(e.getMessage(), e);
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
