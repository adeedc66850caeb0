package io.alexnet.api;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.alexnet.data.BatchLoader;
import io.alexnet.data.Dataset;
import io.alexnet.data.FashionMnist;
import io.alexnet.data.Subset;
import io.alexnet.data.Synthetic;
import io.alexnet.eval.EvalResult;
import io.alexnet.onnx.OnnxRuntimeCheck;
import io.alexnet.runtime.SessionOptions;
import io.alexnet.store.RunDir;
import io.alexnet.train.TinyRun;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Model: the same predictions from a BufferedImage, a file and its bytes, from the run and from
 * its exports (the ONNX file run by ONNX Runtime); evaluation as the evaluator counts it; errors
 * as AlexNetException.
 */
class ModelTest {
  @TempDir static Path tmp;
  static RunDir run;
  static Path png;

  @BeforeAll
  static void train() throws Exception {
    run = TinyRun.create(tmp, 1);
    png = tmp.resolve("one.png");
    Files.write(png, Synthetic.encode(Synthetic.images(1, 3, new int[1])[0], 28, 28, true, "png"));
  }

  /** Pre-processed test images of the run's data, NHWC. */
  static float[] images(Model m, int n) throws Exception {
    Dataset test = FashionMnist.open(TinyRun.data(tmp), FashionMnist.Split.TEST);
    try (BatchLoader l = BatchLoader.evaluation(Subset.first(test, n), m.preprocessor(), n, 1)) {
      return l.next().images();
    }
  }

  @Test
  void everyWayInGivesTheSamePredictions() throws Exception {
    try (Model m = Model.load(run.dir())) {
      List<Prediction> fromFile = m.predict(png, 3);
      assertEquals(3, fromFile.size());
      assertEquals(fromFile, m.predict(Files.readAllBytes(png), 3));
      assertEquals(fromFile, m.predict(ImageIO.read(png.toFile()), 3));
      assertEquals(fromFile, m.predict(List.of(ImageIO.read(png.toFile())), 3).get(0));
      assertTrue(fromFile.get(0).probability() >= fromFile.get(1).probability());
      assertEquals(m.labels().get(fromFile.get(0).classId()), fromFile.get(0).label());

      EvalResult r = m.evaluate(FashionMnist.open(TinyRun.data(tmp), FashionMnist.Split.TEST));
      assertEquals(64, r.examples());
      long diagonal = 0;
      for (int c = 0; c < r.confusion().length; c++) {
        diagonal += r.confusion()[c][c];
      }
      assertEquals(1 - diagonal / 64.0, r.top1Error(), 1e-12);

      Path exported = m.exportSavedModel(tmp.resolve("model"), 1);
      try (Model served = Model.load(exported)) {
        List<Prediction> fromExport = served.predict(png, 3);
        for (int i = 0; i < 3; i++) {
          assertEquals(fromFile.get(i).classId(), fromExport.get(i).classId());
          assertEquals(fromFile.get(i).probability(), fromExport.get(i).probability(), 1e-5f);
        }
      }
      var bad = assertThrows(AlexNetException.class, () -> m.predict(new byte[] {1, 2}, 3));
      assertTrue(bad.getMessage().contains("not an image"), bad.getMessage());
    }
    var missing = assertThrows(AlexNetException.class, () -> Model.load(tmp.resolve("nope")));
    assertTrue(missing.getMessage().contains("no such model folder"), missing.getMessage());
  }

  /**
   * The ONNX export, run by ONNX Runtime (an independent implementation of every op), gives the
   * model's probabilities; and a SavedModel exports the same file as the run it came from.
   */
  @Test
  void theOnnxExportRunsInOnnxRuntimeAsTheModelDoes() throws Exception {
    Path onnx = tmp.resolve("run.onnx");
    int n = 6;
    float[] x;
    float[] want;
    int s;
    // ONNX Runtime computes in float32: so does the model it is held against.
    try (Model m = Model.loader(run.dir()).session(SessionOptions.FLOAT32).load()) {
      assertEquals(onnx, m.exportOnnx(onnx));
      x = images(m, n);
      want = m.probabilities(x, n);
      s = m.config().imageSize();
      Path saved = m.exportSavedModel(tmp.resolve("for-onnx"), 1);
      try (Model fromSaved = Model.load(saved)) {
        Path again = fromSaved.exportOnnx(tmp.resolve("saved.onnx"));
        assertArrayEquals(Files.readAllBytes(onnx), Files.readAllBytes(again));
      }
    }
    float[][] got = OnnxRuntimeCheck.run(onnx, x, n, s).probabilities();
    int classes = want.length / n;
    double spread = 0;
    for (int i = 0; i < n; i++) {
      for (int c = 0; c < classes; c++) {
        assertEquals(want[i * classes + c], got[i][c], 1e-4f, "image " + i + " class " + c);
        spread = Math.max(spread, Math.abs(want[i * classes + c] - want[c]));
      }
    }
    // The comparison means something only if the model tells its inputs apart.
    assertTrue(spread > 1e-3, "probabilities hardly depend on the input: " + spread);
  }

  @Test
  void aModelIsOpenedAtTheCheckpointAskedFor() throws Exception {
    Path saved;
    try (Model best = Model.load(run.dir());
        Model latest = Model.loader(run.dir()).checkpoint(Model.LATEST).load()) {
      assertTrue(best.description().contains("(best)"), best.description());
      assertTrue(latest.description().matches("run .* \\(ckpt-\\d+\\)"), latest.description());
      saved = latest.exportSavedModel(tmp.resolve("latest"), 1);
    }
    var none = assertThrows(AlexNetException.class,
        () -> Model.loader(run.dir()).checkpoint("ckpt-12345").load());
    assertTrue(none.getMessage().contains("no checkpoint 'ckpt-12345'"), none.getMessage());
    var notRun = assertThrows(AlexNetException.class,
        () -> Model.loader(saved).checkpoint(Model.LATEST).load());
    assertTrue(notRun.getMessage().contains("is not a run folder"), notRun.getMessage());
  }
}
