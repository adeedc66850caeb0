package io.alexnet.eval;

import static org.junit.jupiter.api.Assertions.*;

import io.alexnet.data.Dataset;
import io.alexnet.data.Example;
import io.alexnet.data.Preprocessor;
import io.alexnet.data.RgbImage;
import java.util.List;
import java.util.function.IntFunction;
import org.junit.jupiter.api.Test;

class EvaluatorTest {

  /** A dataset of n generated images with the given labels and classes. */
  static Dataset dataset(int n, int[] labels, int classes, int side, IntFunction<RgbImage> img) {
    return new Dataset() {
      @Override
      public int size() {
        return n;
      }

      @Override
      public List<String> classNames() {
        return java.util.stream.IntStream.range(0, classes).mapToObj(i -> "c" + i).toList();
      }

      @Override
      public Example get(int i) {
        return new Example(img.apply(i), labels[i]);
      }

      @Override
      public String describe() {
        return "generated";
      }
    };
  }

  static RgbImage flat(int side, int value) {
    byte[] rgb = new byte[side * side * 3];
    java.util.Arrays.fill(rgb, (byte) value);
    return new RgbImage(side, side, rgb);
  }

  @Test
  void topKArithmeticOnAHandWorkedCase() {
    float[][] rows = {
      {0.50f, 0.20f, 0.10f, 0.10f, 0.05f, 0.03f, 0.02f}, // label 0: top-1 hit
      {0.30f, 0.20f, 0.15f, 0.15f, 0.10f, 0.06f, 0.04f}, // label 6: last, top-5 miss
      {0.10f, 0.30f, 0.25f, 0.20f, 0.10f, 0.05f, 0.00f}, // label 4: 4th, top-5 hit only
      {0.10f, 0.10f, 0.40f, 0.20f, 0.10f, 0.05f, 0.05f}, // label 2: top-1 hit
    };
    int[] labels = {0, 6, 4, 2};
    int side = 10;
    Dataset d = dataset(4, labels, 7, side, i -> flat(side, 10 * i));
    Preprocessor pre = new Preprocessor(8, null); // canvas 9, crop 8: no mean, scale 1
    Classifier fake = (x, n) -> {
      int per = 8 * 8 * 3;
      float[] p = new float[n * 7];
      for (int i = 0; i < n; i++) {
        int index = Math.round(x[i * per] / 10f); // the image says which example it is
        System.arraycopy(rows[index], 0, p, i * 7, 7);
      }
      return p;
    };
    EvalResult r = Evaluator.evaluate(fake, d, pre, new EvalOptions(3, 1, 1));
    assertEquals(4, r.examples());
    assertEquals(0.5, r.top1Error(), 1e-12);
    assertEquals(0.25, r.top5Error(), 1e-12);
    assertEquals(1, r.confusion()[6][0]);
    assertEquals(1, r.confusion()[4][1]);
    assertEquals(1.0, r.perClassAccuracy()[2], 1e-12);
    assertEquals(0.0, r.perClassAccuracy()[6], 1e-12);
    assertTrue(Double.isNaN(r.perClassAccuracy()[3]));
  }

  @Test
  void tenCropAveragingFixesWhatTheCentralCropGetsWrong() {
    // A bright frame 20 pixels wide around a dark 256x256 image. The classifier calls a patch
    // class 1 in proportion to its brightness: the centre crop sees little of the frame
    // (class 0, wrong), the corner crops see two sides of it (class 1), so the average of the
    // ten patches is right.
    int side = 256;
    byte[] rgb = new byte[side * side * 3];
    for (int y = 0; y < side; y++) {
      for (int x = 0; x < side; x++) {
        boolean frame = x < 20 || y < 20 || x >= side - 20 || y >= side - 20;
        for (int c = 0; c < 3; c++) {
          rgb[(y * side + x) * 3 + c] = (byte) (frame ? 255 : 0);
        }
      }
    }
    RgbImage img = new RgbImage(side, side, rgb);
    Dataset d = dataset(2, new int[] {1, 1}, 2, side, i -> img);
    Preprocessor pre = new Preprocessor(227, null);
    Classifier brightness = (x, n) -> {
      int per = 227 * 227 * 3;
      float[] p = new float[2 * n];
      for (int i = 0; i < n; i++) {
        double sum = 0;
        for (int k = 0; k < per; k++) {
          sum += x[i * per + k];
        }
        float p1 = (float) Math.min(1, 4 * sum / per / 255);
        p[2 * i] = 1 - p1;
        p[2 * i + 1] = p1;
      }
      return p;
    };
    assertEquals(1.0, Evaluator.evaluate(brightness, d, pre, new EvalOptions(10, 1, 1)).top1Error());
    assertEquals(0.0, Evaluator.evaluate(brightness, d, pre, new EvalOptions(20, 2, 10)).top1Error());
    assertThrows(IllegalArgumentException.class,
        () -> Evaluator.evaluate(brightness, d, pre, new EvalOptions(10, 1, 5)));
  }

  @Test
  void anImageThatFailsToDecodeIsSkippedAndCountedWithOneCropAndWithTen() {
    // Image 1 throws as a broken decoder would (an unchecked exception, not BadExampleException).
    Dataset d = new Dataset() {
      @Override
      public int size() {
        return 3;
      }

      @Override
      public List<String> classNames() {
        return List.of("dark", "bright");
      }

      @Override
      public Example get(int i) {
        if (i == 1) {
          throw new IllegalStateException("Unsupported JPEG process");
        }
        return new Example(flat(64, 200), 1);
      }

      @Override
      public String describe() {
        return "one broken";
      }
    };
    Preprocessor pre = new Preprocessor(57, null);
    Classifier bright = (x, n) -> {
      float[] p = new float[2 * n];
      for (int i = 0; i < n; i++) {
        p[2 * i + 1] = x[i * 57 * 57 * 3] > 100 ? 1 : 0;
        p[2 * i] = 1 - p[2 * i + 1];
      }
      return p;
    };
    for (int crops : new int[] {1, 10}) {
      EvalResult r = Evaluator.evaluate(bright, d, pre, new EvalOptions(10, 2, crops));
      assertEquals(2, r.examples(), crops + " crops");
      assertEquals(1, r.bad(), crops + " crops");
      assertEquals(0.0, r.top1Error(), crops + " crops");
    }
  }

  @Test
  void tenPatchesAreTheCornersTheCentreAndTheirMirrors() {
    Preprocessor pre = new Preprocessor(227, null); // canvas 256: corners at 0 and 29
    float[] canvas = new float[256 * 256 * 3];
    for (int i = 0; i < canvas.length; i++) {
      canvas[i] = i;
    }
    int per = 227 * 227 * 3;
    float[] ten = new float[10 * per];
    pre.tenPatches(canvas, ten, 0);
    assertEquals(canvas[0], ten[0]); // top-left corner
    assertEquals(canvas[226 * 3], ten[per]); // its mirror starts at the crop's right edge
    assertEquals(canvas[29 * 3], ten[2 * per]); // top-right corner
    assertEquals(canvas[(29 * 256) * 3], ten[4 * per]); // bottom-left corner
    assertEquals(canvas[(29 * 256 + 29) * 3], ten[6 * per]); // bottom-right corner
    assertEquals(canvas[(14 * 256 + 14) * 3], ten[8 * per]); // the centre
    assertEquals(canvas[(14 * 256 + 14 + 226) * 3], ten[9 * per]); // the centre, mirrored
  }

  @Test
  void theTimeWaitingForDecodedImagesIsMeasured() {
    // Decoding that takes 20 ms an image on one thread, a model that takes no time: the model
    // waits for every batch, so the wait is at least the decoding time and at most the whole.
    int side = 10;
    Preprocessor pre = new Preprocessor(8, null);
    Dataset slow = dataset(10, new int[10], 2, side, i -> {
      try {
        Thread.sleep(20);
      } catch (InterruptedException e) {
        throw new IllegalStateException(e);
      }
      return flat(side, i);
    });
    Classifier instant = (x, n) -> new float[n * 2];
    EvalResult decodingBound = Evaluator.evaluate(instant, slow, pre, new EvalOptions(5, 1, 1));
    assertTrue(decodingBound.waitSeconds() >= 0.19, decodingBound.toString());
    assertTrue(decodingBound.waitSeconds() <= decodingBound.seconds(), decodingBound.toString());

    // Decoding that takes no time, a model that takes 50 ms a batch: the loader keeps ahead, so
    // the model waits for (about) nothing but the first batch, a small part of the time.
    Dataset quick = dataset(10, new int[10], 2, side, i -> flat(side, i));
    Classifier slowModel = (x, n) -> {
      try {
        Thread.sleep(50);
      } catch (InterruptedException e) {
        throw new IllegalStateException(e);
      }
      return new float[n * 2];
    };
    EvalResult modelBound = Evaluator.evaluate(slowModel, quick, pre, new EvalOptions(2, 1, 1));
    assertTrue(modelBound.seconds() >= 0.25, modelBound.toString());
    assertTrue(modelBound.waitSeconds() < modelBound.seconds() / 2, modelBound.toString());
  }
}
