package io.alexnet.importer;

import io.alexnet.runtime.SessionOptions;
import io.alexnet.data.ColorPca;
import io.alexnet.data.DataStats;
import io.alexnet.data.Preprocessor;
import io.alexnet.inference.InferenceNetwork;
import io.alexnet.graph.ModelConfig;
import io.alexnet.io.AtomicFiles;
import io.alexnet.onnx.TrainedWeights;
import io.alexnet.store.Checkpoints;
import io.alexnet.store.RunDir;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Properties;

/**
 * Writes an imported model as an ordinary run folder, so that {@code export}, {@code eval},
 * {@code predict}, {@code summary}, {@code features} and {@code train --init-from} take it as
 * they take a trained run: the model's settings (its LRN constants too) and pre-processing
 * (channel order, mean, scale) in run.properties and data-stats.bin, the class names in
 * labels.txt, and the weights as checkpoint 0.
 */
public final class PretrainedRun {
  private PretrainedRun() {}

  /** Writes the run to {@code out} all at once: on any error no folder is left behind. */
  public static RunDir write(ImportedModel m, Preprocessor pre, List<String> labels,
      String source, Path out) throws IOException {
    if (Files.exists(out)) {
      throw new IllegalArgumentException(out + " already exists: pick another folder");
    }
    ModelConfig model = m.model();
    if (labels.size() != model.classes()) {
      throw new IllegalArgumentException(labels.size() + " labels for " + model.classes()
          + " classes");
    }
    AtomicFiles.publishFolder(out, tmp -> {
      RunDir run = new RunDir(tmp);
      // No training data comes with published weights ("none": the report and fine-tuning
      // then ask for data); where they came from is imported.from.
      run.write(model, pre.scale(), pre.channelOrder(), "none", labels);
      java.util.Map<String, String> origin = new java.util.LinkedHashMap<>();
      origin.put("imported.from", source);
      origin.put("imported.format", m.source().format());
      for (int i = 0; i < m.notes().size(); i++) {
        origin.put("imported.note." + (i + 1), m.notes().get(i));
      }
      run.annotate(origin);
      // The mean is the model's own; no colour PCA of its training set travels with it, so
      // colour augmentation does nothing unless a fine-tuning run computes one.
      new DataStats(pre.canvas(), pre.mean(), new ColorPca(new double[3],
          new double[][] {{1, 0, 0}, {0, 1, 0}, {0, 0, 1}}), 0).save(run.stats());
      Files.createDirectories(run.checkpoints());
      saveCheckpoint(model, pre, m.weights(), run);
    });
    return new RunDir(out);
  }

  /** Checkpoint 0: the network's variables set to {@code weights}. */
  static void saveCheckpoint(ModelConfig model, Preprocessor pre, TrainedWeights weights,
      RunDir run) throws IOException {
    try (InferenceNetwork net = InferenceNetwork.withWeights(model, pre, weights.variables(),
        SessionOptions.FLOAT32)) {
      Properties state = new Properties();
      state.setProperty("step", "0");
      new Checkpoints(run.checkpoints(), 3).save(net::saveVariables, 0, state);
    }
  }
}
