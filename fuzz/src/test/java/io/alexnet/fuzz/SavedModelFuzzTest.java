package io.alexnet.fuzz;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.alexnet.inference.SavedModelFiles;
import io.alexnet.inference.ServingModel;
import io.alexnet.store.RunDir;
import io.alexnet.train.TinyRun;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.Set;

/**
 * A SavedModel whose saved_model.pb was mutated, beside intact variables: what every command
 * that opens a SavedModel reads and checks first ({@code inspect} prints it). Contract: it is
 * read and described, or IOException/IllegalArgumentException; in particular the op guard
 * refuses a graph with ops an AlexNet does not need.
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
      SavedModelFiles m = SavedModelFiles.read(MODEL, false);
      m.signatureNames();
      m.ops();
      m.parameterCount();
      m.imageSize();
    }, Set.of(IOException.class, IllegalArgumentException.class));
  }

  /** A tiny trained model exported as version 1; returns its version folder. */
  static Path exportTinyModel(Path dir) {
    try {
      RunDir run = TinyRun.create(dir, 1);
      Path ckpt = new io.alexnet.store.Checkpoints(run.checkpoints(), 1).latest().orElseThrow();
      return ServingModel.export(run, ckpt, dir.resolve("model"), 1);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
