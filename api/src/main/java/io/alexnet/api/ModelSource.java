package io.alexnet.api;

import io.alexnet.export.ServingModel;
import io.alexnet.graph.AlexNet;
import io.alexnet.graph.ModelConfig;
import io.alexnet.graph.Param;
import io.alexnet.store.Checkpoints;
import io.alexnet.train.FineTuning;
import io.alexnet.store.RunDir;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.tensorflow.Graph;

/**
 * A trained model on disk, as {@code train --init-from} and {@code features} take it: a run
 * folder (its best checkpoint, else its latest; an imported model is one too) or an exported
 * SavedModel, whose assets hold the same settings a run keeps.
 *
 * @param settings the folder with run.properties, labels.txt and data-stats.bin
 * @param prefix the checkpoint prefix of its variables
 */
public record ModelSource(Path path, RunDir settings, Path prefix) {

  /** The layers in the paper's order; {@code --freeze-until L} freezes L and all before it. */
  public static final List<String> LAYERS =
      List.of("conv1", "conv2", "conv3", "conv4", "conv5", "fc6", "fc7", "fc8");

  public static ModelSource open(Path path) throws IOException {
    if (Files.exists(path.resolve(RunDir.PROPERTIES))) {
      RunDir run = new RunDir(path);
      return new ModelSource(path, run, bestOrLatest(run).resolve(Checkpoints.VARIABLES));
    }
    Path version = ServingModel.resolveVersion(path);
    RunDir assets = new RunDir(version.resolve("assets"));
    if (!assets.exists()) {
      throw new IllegalArgumentException(version + " was exported before SavedModels carried"
          + " their run's settings (assets/" + RunDir.PROPERTIES + "); start from the run"
          + " folder, or export it again");
    }
    return new ModelSource(path, assets, version.resolve("variables").resolve("variables"));
  }

  /** The checkpoint a run stands for: its best by validation error, else its newest. */
  public static Path bestOrLatest(RunDir run) throws IOException {
    return new Checkpoints(run.checkpoints(), Integer.MAX_VALUE).bestOrLatest()
        .orElseThrow(() -> new IllegalArgumentException(run.dir() + " has no checkpoint yet"));
  }

  /**
   * The fine-tuning of a network of {@code model} from this source: every variable read from
   * it but fc8's when the class count differs; {@code frozen} layers kept fixed.
   */
  public FineTuning fineTuning(ModelConfig model, Set<String> frozen) throws IOException {
    boolean sameClasses = settings.model().classes() == model.classes();
    if (!sameClasses && frozen.contains("fc8")) {
      throw new IllegalArgumentException("fc8 cannot be frozen: the new data has "
          + model.classes() + " classes, the pretrained model " + settings.model().classes()
          + ", so fc8 starts afresh");
    }
    List<String> names = new ArrayList<>();
    try (Graph g = new Graph()) {
      for (Param p : AlexNet.build(g, model.unpinned(), AlexNet.Mode.INFERENCE).params()) {
        if (sameClasses || !p.layer().equals("fc8")) {
          names.add(p.name());
        }
      }
    }
    return new FineTuning(Optional.of(prefix), new LinkedHashSet<>(names), frozen);
  }

  /** The layers {@code --freeze} or {@code --freeze-until} name, checked. */
  public static Set<String> frozenLayers(String freeze, String freezeUntil) {
    if (freeze != null && freezeUntil != null) {
      throw new IllegalArgumentException("give --freeze or --freeze-until, not both");
    }
    Set<String> out = new LinkedHashSet<>();
    if (freezeUntil != null) {
      int last = LAYERS.indexOf(freezeUntil.trim());
      if (last < 0) {
        throw new IllegalArgumentException("--freeze-until takes one of " + LAYERS + ", not '"
            + freezeUntil + "'");
      }
      out.addAll(LAYERS.subList(0, last + 1));
    } else if (freeze != null && !freeze.isBlank()) {
      for (String l : freeze.split(",")) {
        if (!LAYERS.contains(l.trim())) {
          throw new IllegalArgumentException("--freeze takes layers of " + LAYERS + ", not '"
              + l.trim() + "'");
        }
        out.add(l.trim());
      }
    }
    if (out.size() == LAYERS.size()) {
      throw new IllegalArgumentException("every layer frozen: nothing would train");
    }
    return out;
  }
}
