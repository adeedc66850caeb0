package io.alexnet.fuzz;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.alexnet.export.SavedModelExport;
import io.alexnet.export.ServingModel;
import io.alexnet.store.RunDir;
import io.alexnet.train.TinyRun;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.Set;

/**
 * A SavedModel whose saved_model.pb was mutated, beside intact variables: what {@code predict},
 * {@code eval} and {@code bench --mode serving} load. Contract: the model loads (and is
 * closed), or IOException/IllegalArgumentException; in particular the op guard refuses a
 * graph with ops an AlexNet does not need before TensorFlow runs any of it.
 *
 * <p>The seeds are the saved_model.pb of the same tiny model this class trains and exports
 * once per JVM ({@link SeedCorpus} wrote them).
 */
class SavedModelFuzzTest {
  static final Path MODEL = exportTinyModel(Scratch.folder("savedmodel"));

  @FuzzTest(maxDuration = "10s")
  void savedModel(byte[] pb) {
    Scratch.write(MODEL.resolve("saved_model.pb"), pb);
    Contract.returnsOrRefuses(() -> {
      try (ServingModel m = ServingModel.load(MODEL, false)) {
        m.signatureNames();
      }
    }, Set.of(IOException.class, IllegalArgumentException.class));
  }

  /** A tiny trained model exported as version 1; returns its version folder. */
  static Path exportTinyModel(Path dir) {
    try {
      RunDir run = TinyRun.create(dir, 1);
      Path ckpt = new io.alexnet.store.Checkpoints(run.checkpoints(), 1).latest().orElseThrow();
      return SavedModelExport.export(run, ckpt, dir.resolve("model"), 1);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
