package io.alexnet.api;

import io.alexnet.data.BadExampleException;
import io.alexnet.data.Dataset;
import io.alexnet.data.Preprocessor;
import io.alexnet.data.RgbImage;
import io.alexnet.export.SavedModelExport;
import io.alexnet.export.ServingModel;
import io.alexnet.graph.AlexNet;
import io.alexnet.onnx.OnnxExport;
import io.alexnet.onnx.TrainedWeights;
import io.alexnet.store.Checkpoints;
import io.alexnet.eval.Classifier;
import io.alexnet.eval.EvalResult;
import io.alexnet.eval.Evaluator;
import io.alexnet.store.RunDir;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.IntStream;
import org.tensorflow.Graph;
import org.tensorflow.Session;

/**
 * A trained AlexNet ready to use: a training run (its best checkpoint, else its newest; an
 * imported model is one too) or an exported SavedModel, with its pre-processing and class
 * names. Holds TensorFlow's native graph and session: close it.
 *
 * <pre>{@code
 * try (Model model = Model.load(Path.of("runs/fashion-mnist"))) {
 *   List<Prediction> top5 = model.predict(Path.of("shirt.png"), 5);
 * }
 * }</pre>
 */
public final class Model implements AutoCloseable {
  private final Classifier classifier;
  private final Preprocessor pre;
  private final List<String> labels;
  private final String description;
  private final Path path;
  private final AutoCloseable[] owned;

  private Model(Path path, Classifier c, Preprocessor pre, List<String> labels,
      String description, AutoCloseable... owned) {
    this.path = path;
    this.classifier = c;
    this.pre = pre;
    this.labels = List.copyOf(labels);
    this.description = description;
    this.owned = owned;
  }

  /** Loads a run folder or a SavedModel (refusing a SavedModel with unexpected ops). */
  public static Model load(Path path) {
    return load(path, false);
  }

  /**
   * Loads a run folder or a SavedModel; {@code trust} loads a SavedModel even with ops an
   * AlexNet does not need (only for models from someone you trust).
   */
  public static Model load(Path path, boolean trust) {
    try {
      if (Files.exists(path.resolve(RunDir.PROPERTIES))) {
        RunDir run = new RunDir(path);
        Path ckpt = ModelSource.bestOrLatest(run);
        Graph g = new Graph();
        Session s = null;
        try {
          AlexNet net = AlexNet.build(g, run.model().unpinned(), AlexNet.Mode.INFERENCE);
          s = new Session(g);
          Checkpoints.restoreVariables(s, ckpt);
          return new Model(path, Evaluator.of(s, net.images(), net.probabilities()),
              run.preprocessor(), run.labels(), "run " + path + " (" + ckpt.getFileName() + ")",
              s, g);
        } catch (IOException | RuntimeException e) {
          if (s != null) {
            s.close();
          }
          g.close();
          throw e;
        }
      }
      ServingModel m = ServingModel.load(path, trust);
      try {
        return new Model(path, m, m.preprocessor(), m.labels(), "SavedModel " + m.dir(), m);
      } catch (IOException | RuntimeException e) {
        m.close();
        throw e;
      }
    } catch (IOException e) {
      throw new AlexNetException("cannot read the model at " + path + ": " + e.getMessage(), e);
    } catch (IllegalArgumentException e) {
      throw new AlexNetException(e.getMessage(), e);
    }
  }

  /** The class names, index = class id. */
  public List<String> labels() {
    return labels;
  }

  /** How the model turns an image into the network's input. */
  public Preprocessor preprocessor() {
    return pre;
  }

  /** Probabilities for already pre-processed images (what {@link #preprocessor} makes). */
  public Classifier classifier() {
    return classifier;
  }

  /** Where it came from, for logs: "run DIR (ckpt-N)" or "SavedModel DIR". */
  public String description() {
    return description;
  }

  /** The {@code k} most probable classes for an image, most probable first. */
  public List<Prediction> predict(BufferedImage image, int k) {
    return predict(RgbImage.of(image), k);
  }

  /** The same for an image file (JPEG, PNG, BMP, GIF). */
  public List<Prediction> predict(Path imageFile, int k) {
    try {
      return predict(RgbImage.read(imageFile), k);
    } catch (BadExampleException e) {
      throw new AlexNetException(e.getMessage(), e);
    }
  }

  /** The same for an encoded image's bytes. */
  public List<Prediction> predict(byte[] encoded, int k) {
    try {
      return predict(RgbImage.decode(encoded), k);
    } catch (BadExampleException e) {
      throw new AlexNetException(e.getMessage(), e);
    }
  }

  private List<Prediction> predict(RgbImage img, int k) {
    int s = pre.crop();
    float[] x = new float[s * s * 3];
    pre.cropInto(pre.canvas(img), pre.centre(), pre.centre(), false, null, x, 0);
    float[] p = classifier.probabilities(x, 1);
    List<Prediction> out = new ArrayList<>();
    IntStream.range(0, p.length).boxed().sorted(Comparator.comparingDouble(c -> -p[c]))
        .limit(k).forEach(c -> out.add(new Prediction(c,
            c < labels.size() ? labels.get(c) : Integer.toString(c), p[c])));
    return out;
  }

  /** Top-1 and top-5 error, confusion matrix and images/s on {@code data}, central crops. */
  public EvalResult evaluate(Dataset data) {
    return evaluate(data, 64, 2, 1);
  }

  /** The same with {@code crops} 1 or 10 (the paper's test-time patches). */
  public EvalResult evaluate(Dataset data, int batchSize, int workers, int crops) {
    return Evaluator.evaluate(classifier, data, pre, batchSize, workers, crops, done -> { });
  }

  /**
   * Writes a run's model as a SavedModel into {@code modelDir/version} for TensorFlow
   * Serving and other languages; returns the version folder.
   */
  public Path exportSavedModel(Path modelDir, int version) {
    RunDir run = requireRun();
    try {
      return SavedModelExport.export(run, ModelSource.bestOrLatest(run), modelDir, version);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (IllegalArgumentException e) {
      throw new AlexNetException(e.getMessage(), e);
    }
  }

  /** Writes the model as one ONNX file (opset 13) for ONNX Runtime and the like. */
  public Path exportOnnx(Path file) {
    try {
      RunDir run = new RunDir(path);
      TrainedWeights w = run.exists()
          ? TrainedWeights.fromCheckpoint(run, ModelSource.bestOrLatest(run))
          : TrainedWeights.fromSavedModel((ServingModel) classifier);
      OnnxExport.write(w, pre, labels, file);
      return file;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (IllegalArgumentException e) {
      throw new AlexNetException(e.getMessage(), e);
    }
  }

  private RunDir requireRun() {
    RunDir run = new RunDir(path);
    if (!run.exists()) {
      throw new AlexNetException(path + " is a SavedModel already; export a run folder");
    }
    return run;
  }

  /** Closes what it owns, session before graph. */
  @Override
  public void close() {
    for (AutoCloseable c : owned) {
      try {
        c.close();
      } catch (Exception e) {
        throw new IllegalStateException("cannot close " + c + ": " + e.getMessage(), e);
      }
    }
  }
}
