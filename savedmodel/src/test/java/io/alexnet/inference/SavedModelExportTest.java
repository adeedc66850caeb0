package io.alexnet.inference;

import static org.junit.jupiter.api.Assertions.*;

import io.alexnet.data.BatchLoader;
import io.alexnet.data.FashionMnist;
import io.alexnet.data.Preprocessor;
import io.alexnet.data.Subset;
import io.alexnet.data.RgbImage;
import io.alexnet.data.Synthetic;
import io.alexnet.graph.AlexNet;
import io.alexnet.runtime.HostTensors;
import io.alexnet.store.Checkpoints;
import io.alexnet.store.RunDir;
import io.alexnet.train.TinyRun;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tensorflow.Graph;
import org.tensorflow.Result;
import org.tensorflow.Session;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.types.TFloat32;

class SavedModelExportTest {
  @TempDir static Path tmp;
  static RunDir run;
  static Path model;

  @BeforeAll
  static void trainAndExport() throws Exception {
    run = TinyRun.create(tmp, 2);
    model = ServingModel.export(run, new Checkpoints(run.checkpoints(), 3).best()
        .orElseThrow(), tmp.resolve("model"), 1);
  }

  /** Pre-processed evaluation images of the run's test split. */
  static float[] images(Preprocessor pre, int n) throws Exception {
    var test = FashionMnist.open(TinyRun.data(tmp), FashionMnist.Split.TEST);
    try (BatchLoader l = BatchLoader.evaluation(Subset.first(test, n), pre, n, 1)) {
      return l.next().images();
    }
  }

  @Test
  void layoutIsWhatTensorFlowServingExpects() {
    assertTrue(Files.exists(model.resolve("saved_model.pb")));
    assertTrue(Files.exists(model.resolve("variables/variables.index")));
    assertTrue(Files.exists(model.resolve("assets/labels.txt")));
    assertEquals("1", model.getFileName().toString());
    var e = assertThrows(IllegalArgumentException.class, () -> ServingModel.export(run,
        new Checkpoints(run.checkpoints(), 3).best().orElseThrow(), tmp.resolve("model"), 1));
    assertTrue(e.getMessage().contains("already exists"), e.getMessage());
  }

  @Test
  void reloadedModelMatchesTheCheckpointsInference() throws Exception {
    Preprocessor pre = run.preprocessor();
    int n = 8, s = TinyRun.SIZE;
    float[] x = images(pre, n);
    // The checkpoint's inference, computed directly from the run.
    float[] want;
    try (Graph g = new Graph()) {
      AlexNet net = AlexNet.build(g, run.model(), AlexNet.Mode.INFERENCE);
      try (Session sess = new Session(g)) {
        Checkpoints.restore(sess, new Checkpoints(run.checkpoints(), 3).best().orElseThrow());
        try (TFloat32 t = HostTensors.of(Shape.of(n, s, s, 3), x);
            Result r = sess.runner().feed(net.images(), t).fetch(net.probabilities()).run()) {
          want = HostTensors.floats((TFloat32) r.get(0));
        }
      }
    }
    try (ServingModel m = ServingModel.load(tmp.resolve("model"))) {
      assertEquals(model, m.files().dir()); // the highest version was picked
      ServingModel.Prediction p = m.predict(x, n);
      assertEquals(10, p.classes());
      for (int i = 0; i < want.length; i++) {
        assertEquals(want[i], p.probabilities()[i], 1e-5f);
      }
      // top5[0] is the argmax
      for (int i = 0; i < n; i++) {
        int best = 0;
        for (int c = 1; c < 10; c++) {
          if (want[i * 10 + c] > want[i * 10 + best]) {
            best = c;
          }
        }
        assertEquals(best, p.top5()[i * 5]);
      }
      assertEquals(FashionMnist.CLASSES, m.files().labels());
      assertFalse(m.files().ops().contains("Floor")); // no dropout in the export
    }
  }

  @Test
  void classifyImagesDecodesJpegAndPngOfAnySizeLikeTheJavaPipeline() throws Exception {
    Preprocessor pre = run.preprocessor();
    Random rnd = new Random(3);
    List<byte[]> files = new ArrayList<>();
    List<RgbImage> decoded = new ArrayList<>();
    int[][] sizes = {{28, 28}, {41, 29}, {30, 77}, {100, 64}};
    String[] formats = {"png", "png", "png", "jpg"};
    for (int i = 0; i < sizes.length; i++) {
      int w = sizes[i][0], h = sizes[i][1];
      byte[] gray = new byte[w * h];
      for (int k = 0; k < gray.length; k++) {
        gray[k] = (byte) ((k % w) * 255 / w ^ rnd.nextInt(40));
      }
      byte[] file = Synthetic.encode(gray, w, h, i % 2 == 1, formats[i]);
      files.add(file);
      decoded.add(RgbImage.decode(file));
    }
    int s = TinyRun.SIZE, per = s * s * 3;
    float[] x = new float[decoded.size() * per];
    for (int i = 0; i < decoded.size(); i++) {
      pre.cropInto(pre.canvas(decoded.get(i)), pre.centre(), pre.centre(), false, null, x,
          i * per);
    }
    try (ServingModel m = ServingModel.load(model)) {
      ServingModel.Prediction viaJava = m.predict(x, decoded.size());
      ServingModel.Prediction viaGraph = m.classify(files);
      for (int i = 0; i < decoded.size(); i++) {
        // PNG decodes identically; JPEG decoders may differ by a grey level here and there.
        float tol = formats[i].equals("png") ? 2e-4f : 2e-2f;
        for (int c = 0; c < 10; c++) {
          assertEquals(viaJava.probabilities()[i * 10 + c], viaGraph.probabilities()[i * 10 + c],
              tol, formats[i] + " image " + i + " class " + c);
        }
      }
    }
  }
}
