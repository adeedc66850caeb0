package io.alexnet.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.alexnet.data.FashionMnist;
import io.alexnet.data.Synthetic;
import io.alexnet.eval.EvalResult;
import io.alexnet.store.RunDir;
import io.alexnet.train.TinyRun;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Model: the same predictions from a BufferedImage, a file and its bytes, from the run and from
 * its export; evaluation as the evaluator counts it; errors as AlexNetException.
 */
class ModelTest {
  @TempDir Path tmp;

  @Test
  void everyWayInGivesTheSamePredictions() throws Exception {
    RunDir run = TinyRun.create(tmp, 1);
    byte[] png = Synthetic.encode(Synthetic.images(1, 3, new int[1])[0], 28, 28, true, "png");
    Path file = tmp.resolve("one.png");
    Files.write(file, png);
    try (Model m = Model.load(run.dir())) {
      List<Prediction> fromFile = m.predict(file, 3);
      assertEquals(3, fromFile.size());
      assertEquals(fromFile, m.predict(png, 3));
      assertEquals(fromFile, m.predict(ImageIO.read(file.toFile()), 3));
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
      Path onnx = m.exportOnnx(tmp.resolve("model.onnx"));
      assertTrue(Files.size(onnx) > 100_000);
      try (Model served = Model.load(exported)) {
        List<Prediction> fromExport = served.predict(file, 3);
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
}
