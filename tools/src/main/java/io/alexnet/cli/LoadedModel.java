package io.alexnet.cli;

import io.alexnet.data.Preprocessor;
import io.alexnet.export.ServingModel;
import io.alexnet.graph.AlexNet;
import io.alexnet.graph.DevicePlan;
import io.alexnet.train.Checkpoints;
import io.alexnet.train.Classifier;
import io.alexnet.train.Evaluator;
import io.alexnet.train.RunDir;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.tensorflow.Graph;
import org.tensorflow.Session;

/** A model to evaluate: a training run (its best checkpoint) or an exported SavedModel. */
final class LoadedModel implements AutoCloseable {
  final Classifier classifier;
  final Preprocessor pre;
  final List<String> labels;
  final String description;
  private final AutoCloseable[] owned;

  private LoadedModel(Classifier c, Preprocessor pre, List<String> labels, String description,
      AutoCloseable... owned) {
    this.classifier = c;
    this.pre = pre;
    this.labels = labels;
    this.description = description;
    this.owned = owned;
  }

  static LoadedModel open(Path path, boolean trust) throws IOException {
    if (Files.exists(path.resolve(RunDir.PROPERTIES))) {
      RunDir run = new RunDir(path);
      Path ckpt = ModelSource.bestOrLatest(run);
      Graph g = new Graph();
      try {
        AlexNet net = AlexNet.build(g, run.model().toBuilder().devices(DevicePlan.unpinned())
            .build(), AlexNet.Mode.INFERENCE);
        Session s = new Session(g);
        Checkpoints.restore(s, ckpt);
        return new LoadedModel(Evaluator.of(s, net.images(), net.probabilities()),
            run.preprocessor(), run.labels(), "run " + path + " (" + ckpt.getFileName() + ")",
            s, g);
      } catch (IOException | RuntimeException e) {
        g.close();
        throw e;
      }
    }
    ServingModel m = ServingModel.load(path, trust);
    try {
      return new LoadedModel(m, m.preprocessor(), m.labels(), "SavedModel " + m.dir(), m);
    } catch (IOException | RuntimeException e) {
      m.close();
      throw e;
    }
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
