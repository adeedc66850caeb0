package io.alexnet.importer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.alexnet.data.ChannelOrder;
import io.alexnet.data.Preprocessor;
import io.alexnet.data.RgbImage;
import io.alexnet.inference.SavedModelExport;
import io.alexnet.inference.ServingModel;
import io.alexnet.store.Checkpoints;
import io.alexnet.store.RunDir;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * An imported model's SavedModel applies BVLC's pre-processing in its classify_images
 * signature: encoded RGB files in, the same probabilities as the Java pipeline's BGR,
 * mean-subtracted input through serving_default.
 */
class ImportedSavedModelTest {
  @TempDir Path tmp;

  @Test
  void classifyImagesSwapsToBgrAndSubtractsBvlcsMeanAsTheJavaPipelineDoes() throws Exception {
    Path onnx = tmp.resolve("small.onnx");
    new BvlcFiles(0.25, 10, 5).writeOnnx(onnx, 9, 227);
    RunDir run = Importer.importFile(onnx, null, null, tmp.resolve("run")).run();
    Path saved = ServingModel.export(run, new Checkpoints(run.checkpoints(), 3)
        .bestOrLatest().orElseThrow(), tmp.resolve("model"), 1);
    Preprocessor pre = run.preprocessor();
    assertEquals(ChannelOrder.BGR, pre.channelOrder());

    Random rnd = new Random(6);
    List<byte[]> files = new ArrayList<>();
    int s = pre.crop(), per = s * s * 3;
    float[] x = new float[3 * per];
    for (int i = 0; i < 3; i++) {
      // Colour images whose channels differ, so a missed swap shows.
      java.awt.image.BufferedImage img = new java.awt.image.BufferedImage(300 + 40 * i, 260,
          java.awt.image.BufferedImage.TYPE_INT_RGB);
      for (int py = 0; py < img.getHeight(); py++) {
        for (int px = 0; px < img.getWidth(); px++) {
          int r = (px * 255 / img.getWidth()) & 0xff, g = rnd.nextInt(60) + 90;
          int b = (py * 255 / img.getHeight()) & 0xff;
          img.setRGB(px, py, r << 16 | g << 8 | b);
        }
      }
      java.io.ByteArrayOutputStream png = new java.io.ByteArrayOutputStream();
      javax.imageio.ImageIO.write(img, "png", png);
      files.add(png.toByteArray());
      pre.cropInto(pre.canvas(RgbImage.decode(png.toByteArray())), pre.centre(), pre.centre(),
          false, null, x, i * per);
    }
    try (ServingModel m = ServingModel.load(saved)) {
      assertEquals(ChannelOrder.BGR, m.files().settings().channelOrder());
      ServingModel.Prediction viaJava = m.predict(x, 3);
      ServingModel.Prediction viaGraph = m.classify(files);
      double spread = 0;
      for (int i = 0; i < 3 * 10; i++) {
        assertEquals(viaJava.probabilities()[i], viaGraph.probabilities()[i], 2e-4f, "at " + i);
        spread = Math.max(spread, Math.abs(viaJava.probabilities()[i]
            - viaJava.probabilities()[i % 10]));
      }
      assertTrue(spread > 1e-3, "the images get the same probabilities: " + spread);
    }
  }
}
